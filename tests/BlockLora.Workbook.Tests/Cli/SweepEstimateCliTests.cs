using BlockLora.Data;
using BlockLora.Tests;
using BlockLora.Tests.Cli;
using BlockLora.Workbook.Notebooks;

namespace BlockLora.Workbook.Tests.Cli;

/// <summary>
/// <c>blora sweep --dry-run</c> prints the smoke grid's runs and steps; <c>--estimate</c> adds a time from steps timed here.
/// The grid's datasets are described (blora-dataset.json) but hold no images: counting and timing need none.
/// </summary>
public class SweepEstimateCliTests
{
    private static string RepoRoot => WorkbookProfile.FindRepoRoot(AppContext.BaseDirectory);

    private static string[] SmokeFewShot(params string[] more)
    {
        var smoke = WorkbookProfile.Smoke(RepoRoot);
        string data = Fixtures.TempDir();
        foreach (var dataset in smoke.CustomDatasets) CustomDatasetFile.Write(data, dataset);
        return ["sweep", "--grid", Path.Combine(smoke.ExperimentsDir, "fewshot.yaml"), "--model", smoke.ModelPath, "--data-root", data, "--results", Fixtures.TempDir(), "--dry-run", .. more];
    }

    [Fact]
    public void A_dry_run_prints_the_runs_and_optimizer_steps()
    {
        var run = BloraProcess.Run(SmokeFewShot());
        Assert.True(run.ExitCode == 0, run.Stderr);
        // 2 datasets x (zero-shot once + 2 methods x 3 shots x 3 seeds); steps 60 + 10 x shots for 1, 2, 4 shots.
        long steps = 2 * 2 * 3 * (70 + 80 + 100);
        Assert.Contains($"cost: 38 runs (36 trained, 2 zero-shot), {steps:N0} optimizer steps; still to run: 38 runs, {steps:N0} steps", run.Stdout);
        Assert.DoesNotContain("estimate:", run.Stdout);
    }

    [Fact]
    public void Estimate_times_steps_of_the_longest_run_and_prints_a_time()
    {
        var run = BloraProcess.Run(SmokeFewShot("--estimate", "--precision", "fp32"));
        Assert.True(run.ExitCode == 0, run.Stderr);
        var line = Assert.Single(run.Stdout.Split('\n'), l => l.Contains(" s per step", StringComparison.Ordinal));
        Assert.Matches(@"^estimate: \d+\.\d{3} s per step \(5 steps timed here of the longest run to do: (lora|block-lora) r=2 n=(1|4) on \w+, 4 shots, 100 steps, batch \d+, fp32 on cpu\) x 3,000 steps = about \d+(\.\d)? (s|min|h) of training$", line);
        Assert.Contains("an extrapolation, not a measurement", run.Stdout);
    }

    [Fact]
    public void Estimate_without_dry_run_is_a_one_line_error()
    {
        var args = SmokeFewShot("--estimate").Where(a => a != "--dry-run").ToArray();
        var run = BloraProcess.Run(args);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--estimate needs --dry-run", run.Stderr);
    }
}
