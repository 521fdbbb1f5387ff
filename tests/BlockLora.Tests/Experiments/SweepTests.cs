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
    [Fact]
    public void Two_sweeps_that_differ_only_in_lr_make_two_rows_and_two_folders()
    {
        var tiny = TinyCoOpDataset.Create(Fixtures.TempDir(), classes: 3, trainPerClass: 2, testPerClass: 2, seed: 4);
        string results = Fixtures.TempDir();
        var first = new SweepConfig
        {
            ModelPath = Fixtures.ClipTiny("openai.safetensors"), DataRoot = tiny.Root, Datasets = [tiny.DatasetName],
            Methods = [AdapterMethod.BlockLora], Ranks = [2], Blocks = [2], Shots = [1], Seeds = [1],
            Train = new TrainConfig { Iterations = 2, BatchSize = 2, DataWorkers = 1, LearningRate = 1e-3 }, ResultsDir = results,
        };
        var second = first with { Train = first.Train with { LearningRate = 5e-3 } };
        Assert.Equal(new Sweep.Summary(1, 0, 1), Sweep.Run(first));
        Assert.Equal(new Sweep.Summary(1, 0, 1), Sweep.Run(second)); // not "already finished"
        Assert.Equal(new Sweep.Summary(1, 1, 0), Sweep.Run(second with { Train = second.Train with { DataWorkers = 2, CheckpointEvery = 1 } }));
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
        var config = new SweepConfig
        {
            ModelPath = Fixtures.ClipTiny("openai.safetensors"),
            DataRoot = tiny.Root,
            Datasets = [tiny.DatasetName],
            Methods = [AdapterMethod.Lora, AdapterMethod.BlockLora],
            Ranks = [1, 2],
            Blocks = [2, 4],
            Shots = [1, 2],
            Seeds = [1, 2],
            Train = new TrainConfig { Iterations = 2, BatchSize = 4, DataWorkers = 1 },
            ResultsDir = results,
        };
        // LoRA: 2 ranks x 2 shots x 2 seeds = 8; Block-LoRA: 2 ranks x 2 blocks x 2 shots x 2 seeds = 16.
        Assert.Equal(24, config.Expand().Count);

        int started = 0;
        Assert.Throws<OperationCanceledException>(() => Sweep.Run(config, onRunStart: _ => { if (++started == 7) throw new OperationCanceledException("killed"); }));
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
        Assert.Equal(24, specs.Select(s => s.RunFolder).Distinct().Count());
    }

    [Fact]
    public void Zero_shot_runs_once_per_dataset_with_the_coop_template()
    {
        var tiny = TinyCoOpDataset.Create(Fixtures.TempDir(), classes: 3, trainPerClass: 2, testPerClass: 2, seed: 2);
        string results = Fixtures.TempDir();
        var config = new SweepConfig
        {
            ModelPath = Fixtures.ClipTiny("openai.safetensors"),
            DataRoot = tiny.Root,
            Datasets = [tiny.DatasetName],
            Methods = [AdapterMethod.ZeroShot],
            ResultsDir = results,
        };
        Assert.Single(config.Expand());
        Sweep.Run(config);
        var row = Assert.Single(new ResultsStore(Path.Combine(results, "results.csv")).ReadAll());
        Assert.Equal((AdapterMethod.ZeroShot, 0, 0L), (row.Method, row.Shots, row.TrainableParameters));
        Assert.InRange(row.Accuracy, 0, 100);
    }
}
