using System.Diagnostics;
using BlockLora.Results;
using BlockLora.Tests.Experiments;

namespace BlockLora.Tests.Cli;

/// <summary>blora sweep from the command line: grid files, dry runs, shards, a SIGKILLed shard, and one-line errors.</summary>
[Collection(TrainingCollection.Name)]
public class SweepCliTests
{
    [Fact]
    public void A_dry_run_lists_every_run_with_its_id_and_state()
    {
        var sweep = SweepFixture.Create();
        string results = Fixtures.TempDir();
        var dry = BloraProcess.Run(sweep.Args(results, "--dry-run", "--shards", "3"));
        Assert.True(dry.ExitCode == 0, dry.Stderr);
        var lines = dry.Stdout.Split('\n').Where(l => l.StartsWith("  ", StringComparison.Ordinal) && l.Contains(" pending ")).ToArray();
        Assert.Equal(SweepFixture.Runs, lines.Length);
        Assert.Contains($"{SweepFixture.Runs} runs: 0 done, 0 running, 0 failed, {SweepFixture.Runs} pending in 3 shards", dry.Stdout);
        Assert.Contains(lines, l => l.Contains("dataset=DTD") && l.Contains("targets=v,o") && l.Contains("lr=5e-3"));
        Assert.False(Directory.Exists(Path.Combine(results, "runs"))); // nothing ran
    }

    [Fact]
    public void A_dry_run_of_one_shard_lists_that_shards_runs_only()
    {
        var sweep = SweepFixture.Create();
        string results = Fixtures.TempDir();
        var shardOf = new Dictionary<string, int>();
        for (int i = 0; i < 3; i++)
        {
            var dry = BloraProcess.Run(sweep.Args(results, "--dry-run", "--shard", $"{i}/3"));
            Assert.True(dry.ExitCode == 0, dry.Stderr);
            Assert.Contains($"in 3 shards", dry.Stdout);
            var rows = dry.Stdout.Split('\n').Where(l => l.StartsWith("  ", StringComparison.Ordinal) && l.Contains(" pending ")).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToArray();
            Assert.Contains($"shard {i}/3: {rows.Length} of the {SweepFixture.Runs} runs", dry.Stdout);
            Assert.All(rows, r => Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), r[1]));
            foreach (var r in rows) shardOf.Add(r[0], i);
        }
        // The three slices are the whole sweep, each run in exactly one, as the full listing assigns them.
        var all = BloraProcess.Run(sweep.Args(results, "--dry-run", "--shards", "3")).Stdout.Split('\n')
            .Where(l => l.StartsWith("  ", StringComparison.Ordinal) && l.Contains(" pending ")).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToArray();
        Assert.Equal(all.ToDictionary(r => r[0], r => int.Parse(r[1], System.Globalization.CultureInfo.InvariantCulture)), shardOf);
    }

    [Fact]
    public async Task A_shard_killed_mid_run_leaves_readable_stores_and_its_rerun_resumes_the_interrupted_run()
    {
        // 6 runs (one dataset) of 200 steps, a few seconds each, checkpointed every 10 steps.
        var sweep = SweepFixture.Create(iterations: 200, checkpointEvery: 10);
        string results = Fixtures.TempDir();
        const int runs = SweepFixture.Runs / 2;
        string[] args = sweep.ArgsFor([SweepFixture.Datasets[0]], results, "--shard", "0/1", "--workers", "1", "--threads", "1");
        using (var first = BloraProcess.Start(new Dictionary<string, string?>(), args))
        {
            // Kill -9 once one run's row is written and the next run has a checkpoint: mid-run, after a store write.
            var output = first.StandardOutput.ReadToEndAsync(); // drained, so a full pipe never stalls the sweep
            var errors = first.StandardError.ReadToEndAsync();
            var watch = Stopwatch.StartNew();
            while (!(RowsIn(results) >= 1 && Directory.EnumerateFiles(Path.Combine(results, "runs"), "checkpoint.safetensors", SearchOption.AllDirectories).Any()))
            {
                if (first.HasExited) Assert.Fail($"the sweep ended (exit {first.ExitCode}) before it could be killed: {await output}{await errors}");
                Assert.True(watch.Elapsed < TimeSpan.FromMinutes(3), "no row and checkpoint within 3 minutes");
                await Task.Delay(50);
            }
            first.Kill(); // SIGKILL: no handler runs
            first.WaitForExit();
        }
        var afterKill = ResultsFolder.In(results).ReadAll(); // every store file parses: no half-written row
        Assert.InRange(afterKill.Count, 1, runs - 1);
        Assert.Equal(afterKill.Count, afterKill.Select(r => r.RunId).Distinct().Count());

        var status = BloraProcess.Run(sweep.ArgsFor([SweepFixture.Datasets[0]], results, "--status"));
        Assert.Contains("failed", status.Stdout); // the killed run: its process is gone
        Assert.Contains("resumes from its checkpoint", status.Stdout);

        var rerun = BloraProcess.Run(args);
        Assert.True(rerun.ExitCode == 0, rerun.Stderr);
        Assert.Contains("resuming from iteration", rerun.Stdout);
        Assert.Contains($"{afterKill.Count} already finished", rerun.Stdout);
        var rows = ResultsFolder.In(results).ReadAll();
        Assert.Equal(runs, rows.Count);
        Assert.Equal(runs, rows.Select(r => r.RunId).Distinct().Count());
    }

    private static int RowsIn(string results)
    {
        try { return ResultsFolder.In(results).ReadAll().Count; }
        catch (IOException) { return 0; }
    }

    [Fact]
    public void Bad_grids_shards_and_a_missing_sbatch_are_one_line_errors()
    {
        var sweep = SweepFixture.Create();
        string results = Fixtures.TempDir();
        string badGrid = Path.Combine(Fixtures.TempDir(), "bad.yaml");
        File.WriteAllText(badGrid, "grid:\n  lr: [1e-4, fast]\n");
        var cases = new (string[] Args, IReadOnlyDictionary<string, string?> Env, string Message)[]
        {
            (["sweep", "--grid", badGrid, "--datasets", "DTD", "--model", sweep.Model, "--data-root", sweep.DataRoot, "--dry-run"], NoEnv, $"{badGrid}:2: grid.lr: bad value 'fast'"),
            (sweep.Args(results, "--lr", "1e-4"), NoEnv, "--lr is also set in"),
            (sweep.Args(results, "--shard", "3/3"), NoEnv, "shard 3 is out of range 0-2"),
            (sweep.Args(results, "--shard", "1:3"), NoEnv, "expected i/N"),
            (sweep.Args(results, "--shard", "slurm"), new Dictionary<string, string?> { ["SLURM_ARRAY_TASK_ID"] = null }, "SLURM_ARRAY_TASK_ID is not set"),
            (sweep.Args(results, "--slurm", Path.Combine(results, "sweep.sbatch"), "--shards", "3", "--submit"), new Dictionary<string, string?> { ["PATH"] = Path.GetDirectoryName(Environment.ProcessPath) }, "sbatch not found"),
            (sweep.Args(results, "--slurm", Path.Combine(results, "sweep.sbatch")), NoEnv, "--slurm needs --shards N"),
            (sweep.Args(results, "--partition", "gpu"), NoEnv, "--partition needs --slurm FILE"),
            (["sweep", "--model", sweep.Model, "--data-root", sweep.DataRoot, "--dry-run"], NoEnv, "no dataset"),
            (sweep.Args(results, "--targets", "q | | v"), NoEnv, "empty alternative"),
        };
        foreach (var (args, env, message) in cases)
        {
            var result = BloraProcess.RunWith(env, args);
            Assert.True(result.ExitCode == 2, $"{string.Join(" ", args)}: exit {result.ExitCode}\n{result.Stdout}{result.Stderr}");
            var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.True(lines.Length == 1 && lines[0].Contains(message), $"{string.Join(" ", args)}: expected one line with '{message}', got:\n{result.Stderr}");
        }
        Assert.False(File.Exists(Path.Combine(results, "sweep.sbatch"))); // checked before anything is written
    }

    private static readonly IReadOnlyDictionary<string, string?> NoEnv = new Dictionary<string, string?>();
}
