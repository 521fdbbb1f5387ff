using BlockLora.Adapters;
using BlockLora.Data;
using BlockLora.Tests;
using BlockLora.Workbook.Demo;
using BlockLora.Workbook.Notebooks;
using BlockLora.Workbook.Tests.Demo;

namespace BlockLora.Workbook.Tests.Notebooks;

/// <summary>05's base-to-new section: the profiles' protocol grid, and one real pass on the demo data that writes both halves and skips on rerun.</summary>
[Collection(TrainingCollection.Name)]
public class BaseToNewExperimentTests
{
    private static string RepoRoot => WorkbookProfile.FindRepoRoot(AppContext.BaseDirectory);

    [Fact]
    public void Profiles_run_every_method_on_the_base_half_at_the_main_shots()
    {
        var smoke = WorkbookProfile.Smoke(RepoRoot);
        Assert.Equal([DemoTasks.FashionName, DemoTasks.DigitsName], smoke.BaseToNewDatasets);
        var runs = smoke.BaseToNewSweep().Expand();
        Assert.Equal(smoke.BaseToNewSeeds, runs.Where(r => !r.IsZeroShot).Select(r => r.Seed).Distinct().Order());
        Assert.Equal(smoke.BaseToNewDatasets, runs.Select(r => r.Dataset).Distinct());
        // Per dataset: zero-shot once, LoRA and Block-LoRA for each seed.
        Assert.Equal(smoke.BaseToNewDatasets.Count * (1 + 2 * smoke.BaseToNewSeeds.Count), runs.Count);
        Assert.All(runs, r => Assert.Equal(ClassSubset.Base, r.Classes));
        Assert.All(runs.Where(r => !r.IsZeroShot), r => Assert.Equal(smoke.MainShots, r.Shots));
        Assert.All(runs.Where(r => r.Method == AdapterMethod.BlockLora), r => Assert.Equal(smoke.Adapter.Blocks, r.ResolvedAdapter.Blocks));
        Assert.All(runs, r => Assert.Same(smoke.CustomDatasets, r.CustomDatasets));
        Assert.Contains(smoke.Settings(), s => s.Key == "base-to-new" && s.Value.Contains("seeds 1, 2", StringComparison.Ordinal));

        // Run ids fingerprint the model file (the paper profile's is not here) and resolve precision auto on the device
        // (cuda, absent here): expand the paper grid on the demo model, on the CPU.
        var paperProfile = WorkbookProfile.Paper(RepoRoot);
        var paper = paperProfile with { ModelPath = smoke.ModelPath, Device = "cpu" };
        Assert.Equal(DatasetCatalog.Benchmarks.Select(b => b.Name), paper.BaseToNewDatasets);
        Assert.Equal(11 * (1 + 2 * 3), paper.BaseToNewSweep().Expand().Count);
        // Every dataset can be split: the base/new split needs at least 2 classes.
        Assert.All(smoke.BaseToNewDatasets.Select(smoke.ResolveDataset).Concat(paper.BaseToNewDatasets.Select(paper.ResolveDataset)),
            d => Assert.True(d.ClassCount >= 2, d.Name));
    }

    [Fact]
    public void One_pass_on_the_demo_data_writes_both_halves_summarises_them_and_skips_on_rerun()
    {
        DemoPackages.RequireFashionMnist();
        DemoPackages.RequireDigits();
        string results = Fixtures.TempDir();
        var smoke = WorkbookProfile.Smoke(RepoRoot);
        // The smoke profile's base-to-new grid file cut to one dataset and seed, with 2 + 1 × shots steps instead of
        // 60 + 10 × shots: the sweep is whatever the profile's experiments/ folder says.
        string root = Path.Combine(results, "repo");
        Directory.CreateDirectory(Path.Combine(root, "experiments", "smoke"));
        File.WriteAllText(Path.Combine(root, "experiments", "smoke", "base-to-new.yaml"), File.ReadAllText(smoke.AblationFile("base-to-new"))
            .Replace("dataset: FashionHeldOut | Digits", "dataset: FashionHeldOut").Replace("seed: 1 | 2", "seed: 1")
            .Replace("iterations-base: 60", "iterations-base: 2").Replace("iterations-per-shot: 10", "iterations-per-shot: 1"));
        var profile = smoke with
        {
            RepoRoot = root,
            DataRoot = Path.Combine(results, "data"),
            ResultsDir = results,
            FiguresDir = Path.Combine(results, "figures"),
            DataWorkers = 1,
        };
        Assert.Empty(profile.Prepare());

        var first = WorkbookExperiments.BaseToNew(profile);
        Assert.Equal((3, 3, 0), (first.Total, first.Ran, first.Skipped));
        var rows = Results.ResultsSummary.Load(results);
        Assert.Equal(6, rows.Count);
        Assert.Equal(3, rows.Count(r => r.Classes == "base"));
        Assert.Equal(3, rows.Count(r => r.Classes == "new"));
        Assert.Equal(6, rows.Select(r => r.RunId).Distinct().Count());

        var summaries = Results.BaseToNewSummary.MeanOverSeeds(Results.ResultsSummary.Load(results));
        Assert.Equal([AdapterMethod.ZeroShot, AdapterMethod.Lora, AdapterMethod.BlockLora], summaries.Select(s => s.Method));
        Assert.All(summaries, s => Assert.Equal(DemoTasks.FashionName, s.Dataset));
        Assert.All(summaries, s => Assert.Equal(1, s.Seeds));
        Assert.All(summaries, s => Assert.InRange(s.HarmonicMean, Math.Min(s.Base, s.New), Math.Max(s.Base, s.New)));

        var again = WorkbookExperiments.BaseToNew(profile);
        Assert.Equal((3, 0, 3), (again.Total, again.Ran, again.Skipped));
        Assert.Equal(6, Results.ResultsSummary.Load(results).Count);
    }
}
