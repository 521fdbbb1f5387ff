using BlockLora.Adapters;
using BlockLora.Clip;
using BlockLora.Data;
using BlockLora.Tests;
using BlockLora.Workbook.Demo;
using BlockLora.Workbook.Notebooks;
using BlockLora.Workbook.Tables;

namespace BlockLora.Workbook.Tests.Notebooks;

/// <summary>The workbook's library side: smoke data, profiles, published numbers and the rebuilt tables.</summary>
public class WorkbookTests
{
    private static string RepoRoot => WorkbookProfile.FindRepoRoot(AppContext.BaseDirectory);

    [Fact]
    public void Smoke_suite_is_read_by_the_benchmark_readers_and_is_deterministic()
    {
        string a = Fixtures.TempDir(), b = Fixtures.TempDir();
        Assert.True(SmokeData.EnsureSuite(a));
        Assert.False(SmokeData.EnsureSuite(a)); // unchanged: not rewritten
        SmokeData.CreateSuite(b);
        foreach (var name in SmokeData.SuiteDatasets)
        {
            var splits = DatasetReader.Read(a, name);
            Assert.NotEmpty(splits.Test);
            var other = DatasetReader.Read(b, name);
            Assert.Equal(splits.ClassNames, other.ClassNames);
            Assert.Equal(File.ReadAllBytes(splits.Test[0].Path), File.ReadAllBytes(other.Test[0].Path));
        }
        Assert.Equal(DatasetReader.Read(a, "ImageNet").ClassNames, DatasetReader.Read(a, "ImageNetSketch").ClassNames);
        Assert.Equal("red_circle", DatasetReader.Read(a, "OxfordPets").ClassNames[0]);
    }

    [Fact]
    public void Profiles_are_chosen_by_name_and_smoke_points_at_the_demo_model_and_tasks()
    {
        var smoke = WorkbookProfile.ByName("smoke", RepoRoot);
        Assert.True(File.Exists(smoke.ModelPath));
        Assert.StartsWith(Path.Combine(RepoRoot, "results", "smoke"), smoke.ResultsDir);
        Assert.Equal("clip-fashion-tiny", smoke.Backbone);
        Assert.Equal([DemoTasks.FashionName, DemoTasks.DigitsName], smoke.Datasets);
        Assert.Equal((DemoTasks.FashionName, DemoTasks.FashionName), (smoke.TrainDataset, smoke.CrossDatasetSource));
        Assert.Equal([DemoTasks.DigitsName, DemoTasks.FashionSeenName], smoke.CrossDatasetTargets);
        Assert.Equal([DemoTasks.FashionNegativeName], smoke.DomainTargets);
        // The demo's schedule: 60 + 10 × shots iterations at lr 5e-3 with whole-image crops.
        Assert.Equal([70, 80, 100], smoke.Shots.Select(s => smoke.Train.TotalIterations(s)).ToArray());
        Assert.Equal((5e-3, 1.0), (smoke.Train.LearningRate, smoke.Train.MinCropScale));
        // Every block count of the profile and of its rank × blocks grid file divides the demo CLIP's widths (128).
        var ablation = smoke.AblationSweep("ablation-rank-blocks", out _, out _).Expand();
        Assert.All(ablation.Select(r => r.ResolvedAdapter.Blocks).Append(smoke.Adapter.Blocks), n => Assert.Equal(0, 128 % n));
        var paper = WorkbookProfile.ByName("PAPER", RepoRoot);
        Assert.Equal(11, paper.Datasets.Count);
        Assert.Equal(500, paper.Train.IterationsPerShot);
        Assert.Equal(8000, paper.Train.TotalIterations(16));
        Assert.Throws<ArgumentException>(() => WorkbookProfile.ByName("fast", RepoRoot));
        // 04's rank × blocks grid: LoRA (n = 1) and Block-LoRA for the other n, every rank (ExperimentFilesTests checks the runs).
        Assert.Equal(3 * 4, ablation.Count);
        Assert.All(ablation.Where(r => r.Method == AdapterMethod.Lora), r => Assert.Equal(1, r.ResolvedAdapter.Blocks));
    }

    [Fact]
    public void Smoke_profile_resolves_its_custom_datasets_in_every_run_it_builds()
    {
        var smoke = WorkbookProfile.Smoke(RepoRoot);
        Assert.Equal(4, smoke.AllDatasets.Count);
        Assert.All(smoke.AllDatasets, d => Assert.Contains(smoke.ResolveDataset(d), smoke.CustomDatasets));
        Assert.Equal(DatasetCatalog.OxfordPets, smoke.ResolveDataset("oxford_pets")); // the catalog still answers
        Assert.Throws<ArgumentException>(() => smoke.ResolveDataset("NoSuchTask"));

        var specs = smoke.ComparisonSweep().Expand().Concat(smoke.AblationGridNames().SelectMany(g => smoke.AblationSweep(g, out _, out _).Expand()))
            .Append(smoke.Run(DemoTasks.DigitsName, AdapterMethod.Lora, 1)).ToList();
        Assert.All(specs, spec => Assert.Same(smoke.CustomDatasets, spec.CustomDatasets));
        Assert.All(specs, spec => Assert.Equal(spec.Dataset, spec.ResolveDataset(spec.Dataset).Name));
        Assert.Contains(specs, s => s.Dataset == DemoTasks.DigitsName);
    }

    [Fact]
    public void Smoke_profile_without_the_fashion_package_says_which_package_to_install()
    {
        string missing = Path.Combine(Fixtures.TempDir(), "no-fashion-mnist");
        string results = Fixtures.TempDir();
        var profile = WorkbookProfile.Smoke(RepoRoot) with
        {
            DataRoot = Path.Combine(results, "data"),
            PrepareData = root => DemoWorkbookData.Ensure(root, fashionDirectory: missing),
            ResultsDir = results,
            FiguresDir = Path.Combine(results, "figures"),
        };
        var problem = Assert.Single(profile.Prepare());
        Assert.Contains(missing, problem);
        Assert.Contains("sudo apt-get install -y dataset-fashion-mnist", problem);
        Assert.False(Directory.Exists(profile.DataRoot)); // checked before anything was written
    }

    [Fact]
    public void Published_numbers_load_with_sources_and_block_lora_cells_stay_empty()
    {
        var paper = PaperNumbers.Load(Path.Combine(RepoRoot, "results", "paper"));
        Assert.All(paper, p => Assert.False(string.IsNullOrWhiteSpace(p.Source)));
        Assert.Equal(82.89, paper.Single(p => p.Table == PaperNumbers.FewShotAverage && p.Method == "CLIP-LoRA" && p.Shots == 16).Value);
        Assert.Equal(98.0, paper.Single(p => p.Table == PaperNumbers.FewShotPerDataset && p.Dataset == "Flowers102" && p.Shots == 16).Value);
        Assert.All(paper.Where(p => p.Method == "Block-LoRA" && p.Table != PaperNumbers.TrainableParameters), p => Assert.Null(p.Value));
        // The derived parameter counts agree with the library's own formula for ViT-B/16.
        foreach (var p in paper.Where(p => p.Table == PaperNumbers.TrainableParameters))
        {
            var config = new AdapterConfig { Method = p.Blocks == 1 ? AdapterMethod.Lora : AdapterMethod.BlockLora, Rank = p.Rank!.Value, Blocks = p.Blocks!.Value };
            Assert.Equal((long)p.Value!.Value, ParameterAccounting.FromConfig(ClipConfig.VitB16, config).Total.Parameters);
        }
    }
}
