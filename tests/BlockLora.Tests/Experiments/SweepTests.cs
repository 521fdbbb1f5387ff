using BlockLora.Adapters;
using BlockLora.Experiments;
using BlockLora.Results;
using BlockLora.Tests.Data;
using BlockLora.Training;

namespace BlockLora.Tests.Experiments;

/// <summary>A sweep over methods × ranks × blocks × shots × seeds completes, resumes after a kill, and skips finished runs.</summary>
[Collection(TrainingCollection.Name)]
public class SweepTests
{
    private static SweepConfig Config(string dataRoot, string dataset, string results, TrainConfig train, params GridSetting[] axes) => new()
    {
        Base = RunSettings.Defaults() with { ModelPath = Fixtures.ClipTiny("openai.safetensors"), DataRoot = dataRoot, Dataset = dataset, Train = train, ResultsDir = results },
        Grids = [new SweepGrid { Axes = axes }],
    };

    [Fact]
    public void Two_sweeps_that_differ_only_in_lr_make_two_rows_and_two_folders()
    {
        var tiny = TinyCoOpDataset.Create(Fixtures.TempDir(), classes: 3, trainPerClass: 2, testPerClass: 2, seed: 4);
        string results = Fixtures.TempDir();
        var train = new TrainConfig { Iterations = 2, BatchSize = 2, DataWorkers = 1, LearningRate = 1e-3 };
        var first = Config(tiny.Root, tiny.DatasetName, results, train,
            GridSetting.Of("method", new[] { AdapterMethod.BlockLora }), GridSetting.Of("rank", new[] { 2 }), GridSetting.Of("blocks", new[] { 2 }), GridSetting.Of("shots", new[] { 1 }));
        var second = first with { Base = first.Base with { Train = train with { LearningRate = 5e-3 } } };
        Assert.Equal(new Sweep.Summary(1, 0, 1), Sweep.Run(first));
        Assert.Equal(new Sweep.Summary(1, 0, 1), Sweep.Run(second)); // not "already finished"
        Assert.Equal(new Sweep.Summary(1, 1, 0), Sweep.Run(second with { Base = second.Base with { Train = second.Base.Train with { DataWorkers = 2, CheckpointEvery = 1 } } }));
        var rows = ResultsStore.In(results).ReadAll();
        Assert.Equal(2, rows.Select(r => r.RunId).Distinct().Count());
        string a = first.Expand()[0].RunFolder, b = second.Expand()[0].RunFolder;
        Assert.NotEqual(a, b);
        Assert.True(File.Exists(Path.Combine(a, "adapter.safetensors")) && File.Exists(Path.Combine(b, "adapter.safetensors")));
        Assert.Contains("\"lr\":0.005", rows.Single(r => r.RunId == RunIdentity.Of(second.Expand()[0]).Id).Config);
    }

    [Fact]
    public void Sweep_resumes_after_a_kill_and_skips_finished_runs()
    {
        var tiny = TinyCoOpDataset.Create(Fixtures.TempDir(), classes: 3, trainPerClass: 3, testPerClass: 2, seed: 9);
        string results = Fixtures.TempDir();
        var config = Config(tiny.Root, tiny.DatasetName, results, new TrainConfig { Iterations = 2, BatchSize = 4, DataWorkers = 1 },
            GridSetting.Of("method", new[] { AdapterMethod.Lora, AdapterMethod.BlockLora }), GridSetting.Of("rank", new[] { 1, 2 }),
            GridSetting.Of("blocks", new[] { 2, 4 }), GridSetting.Of("shots", new[] { 1, 2 }), GridSetting.Of("seed", new[] { 1, 2 }));
        // LoRA: 2 ranks x 2 shots x 2 seeds = 8; Block-LoRA: 2 ranks x 2 blocks x 2 shots x 2 seeds = 16.
        Assert.Equal(24, config.Expand().Count);

        int started = 0;
        var killedAtSeventh = new SweepProcess { OnRunStart = _ => { if (++started == 7) throw new OperationCanceledException("killed"); } };
        Assert.Throws<OperationCanceledException>(() => Sweep.Run(config, process: killedAtSeventh));
        var store = new ResultsStore(Path.Combine(results, "results.csv"));
        Assert.Equal(6, store.ReadAll().Count);

        var resumed = Sweep.Run(config);
        Assert.Equal(new Sweep.Summary(24, 6, 18), resumed);
        var rows = store.ReadAll();
        Assert.Equal(24, rows.Count);
        Assert.Equal(24, rows.Select(r => r.RunId).Distinct().Count());
        Assert.Equal(new Sweep.Summary(24, 24, 0), Sweep.Run(config));

        var specs = config.Expand();
        Assert.Equal(specs.Select(s => RunIdentity.Of(s).Id).Order(), rows.Select(r => r.RunId).Order());
        Assert.All(specs, s => Assert.True(File.Exists(Path.Combine(s.RunFolder, "adapter.safetensors")), s.RunFolder));
        Assert.All(specs, s => Assert.False(File.Exists(RunClaim.PathIn(s.RunFolder)), s.RunFolder)); // finished runs hold no claim
        Assert.Equal(24, specs.Select(s => s.RunFolder).Distinct().Count());
    }

    [Fact]
    public void Shards_write_their_own_store_files_and_readers_merge_them()
    {
        var tiny = TinyCoOpDataset.Create(Fixtures.TempDir(), classes: 3, trainPerClass: 2, testPerClass: 2, seed: 5);
        string results = Fixtures.TempDir();
        var config = Config(tiny.Root, tiny.DatasetName, results, new TrainConfig { Iterations = 2, BatchSize = 2, DataWorkers = 1 },
            GridSetting.Of("method", new[] { AdapterMethod.Lora }), GridSetting.Of("shots", new[] { 1 }), GridSetting.Of("lr", new[] { 1e-4, 2e-4, 3e-4, 4e-4, 5e-4 }));
        var summaries = Enumerable.Range(0, 3).Select(i => Sweep.Run(config, process: new SweepProcess { Shard = new Shard(i, 3), StoreName = $"shard-{i}" })).ToArray();
        Assert.Equal(5, summaries.Sum(s => s.Ran));
        Assert.False(File.Exists(Path.Combine(results, ResultsStore.FileName))); // no shared file, no lock across shards
        var files = ResultsFolder.In(results).StoreFiles;
        Assert.Equal(3, files.Count);
        Assert.All(files, f => Assert.StartsWith(Path.Combine(results, ResultsFolder.ShardFolderName), f));
        var merged = ResultsFolder.In(results).ReadAll();
        Assert.Equal(config.Runs().Select(r => r.Identity.Id).Order(), merged.Select(r => r.RunId).Order());
        Assert.Equal(new Sweep.Summary(5, 5, 0), Sweep.Run(config)); // an unsharded rerun sees the shards' rows
    }

    [Fact]
    public void Zero_shot_runs_once_per_dataset_with_the_coop_template()
    {
        var tiny = TinyCoOpDataset.Create(Fixtures.TempDir(), classes: 3, trainPerClass: 2, testPerClass: 2, seed: 2);
        string results = Fixtures.TempDir();
        var config = Config(tiny.Root, tiny.DatasetName, results, new TrainConfig { DataWorkers = 1 },
            GridSetting.Of("method", new[] { AdapterMethod.ZeroShot }), GridSetting.Of("shots", new[] { 1, 2, 4 }), GridSetting.Of("seed", new[] { 1, 2 }));
        Assert.Single(config.Expand());
        Sweep.Run(config);
        var row = Assert.Single(new ResultsStore(Path.Combine(results, "results.csv")).ReadAll());
        Assert.Equal((AdapterMethod.ZeroShot, 0, 0L), (row.Method, row.Shots, row.TrainableParameters));
        Assert.InRange(row.Accuracy, 0, 100);
    }
}
