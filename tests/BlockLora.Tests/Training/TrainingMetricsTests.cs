using BlockLora.Adapters;
using BlockLora.Checkpoints;
using BlockLora.Data;
using BlockLora.Tests.Data;
using BlockLora.Torch;
using BlockLora.Training;

namespace BlockLora.Tests.Training;

/// <summary>metrics.csv as the Trainer writes it: a row every LogEvery iterations and at the last, kept exact across a kill and a resume.</summary>
[Collection(TrainingCollection.Name)]
public class TrainingMetricsTests
{
    private static readonly TrainConfig Config = new()
    {
        Iterations = 17, BatchSize = 8, LearningRate = 2e-2, MinLearningRate = 1e-4, DataWorkers = 2,
        CheckpointEvery = 5, LogEvery = 3, Precision = Precision.Fp32,
    };

    private static readonly AdapterConfig Adapter = new() { Method = AdapterMethod.BlockLora, Rank = 4, Blocks = 4, Dropout = 0.1, Seed = 3 };

    private static FewShotSelection Selection()
    {
        var tiny = TinyCoOpDataset.Create(Fixtures.TempDir(), 4, trainPerClass: 6, testPerClass: 2, seed: 11);
        return FewShotSampler.Sample(DatasetReader.Read(tiny.Root, tiny.DatasetName), 4, 1);
    }

    private static TrainResult Train(FewShotSelection selection, string folder, bool resume = false, ITrainProgress? progress = null, TrainConfig? config = null)
    {
        using var model = ClipCheckpoint.Load(Fixtures.ClipTiny("openai.safetensors"));
        using var set = AdapterInjector.Inject(model, Adapter);
        // One identity for every call: these runs differ only in settings that never change a result.
        return new Trainer(model, set, config ?? Config, progress).Train(selection, new TrainSession
        {
            Identity = "metrics-test", CheckpointPath = Path.Combine(folder, "checkpoint.safetensors"), Resume = resume, MetricsPath = Path.Combine(folder, MetricsLog.FileName),
        });
    }

    private sealed class KillAt(int iteration) : ITrainProgress
    {
        public void OnStep(TrainStep step) { if (step.Iteration == iteration) throw new OperationCanceledException("killed"); }
        public void OnMessage(string message) { }
    }

    // What must be equal between a resumed and an uninterrupted run; speed and time are measurements.
    private static (int, double, double, double)[] Exact(IEnumerable<MetricsRow> rows) =>
        rows.Select(r => (r.Iteration, r.Loss, r.LearningRate, r.BatchAccuracy)).ToArray();

    [Fact]
    public void Training_logs_a_row_every_log_interval_and_at_the_last_iteration()
    {
        string folder = Fixtures.TempDir();
        var result = Train(Selection(), folder);
        var rows = MetricsLog.ReadValid(Path.Combine(folder, MetricsLog.FileName), out bool damaged);
        Assert.False(damaged);
        Assert.Equal([3, 6, 9, 12, 15, 17], rows.Select(r => r.Iteration));
        // The logged values are the steps' own: loss, lr and batch accuracy of that iteration.
        var steps = result.Curve.ToDictionary(p => p.Iteration);
        Assert.Equal(rows.Select(r => (r.Iteration, steps[r.Iteration].Loss, steps[r.Iteration].LearningRate, steps[r.Iteration].BatchAccuracy)), Exact(rows));
        Assert.All(rows, r => Assert.True(r.ImagesPerSecond > 0, $"iteration {r.Iteration}: {r.ImagesPerSecond} images/s"));
        Assert.All(rows.Zip(rows.Skip(1)), p => Assert.True(p.Second.ElapsedSeconds >= p.First.ElapsedSeconds, "elapsed time went backwards"));
    }

    [Theory]
    [InlineData("half line")]
    [InlineData("cut mid-line")]
    public void A_killed_run_with_a_torn_log_resumes_to_the_uninterrupted_file(string tear)
    {
        var selection = Selection();
        string whole = Fixtures.TempDir();
        Train(selection, whole);
        var expected = MetricsLog.Read(Path.Combine(whole, MetricsLog.FileName));

        string killed = Fixtures.TempDir();
        string metrics = Path.Combine(killed, MetricsLog.FileName);
        // Killed at 14: the checkpoint is at 10, and rows 12 (and the torn one) lie past it.
        Assert.Throws<OperationCanceledException>(() => Train(selection, killed, progress: new KillAt(14)));
        Assert.Equal([3, 6, 9, 12], MetricsLog.Read(metrics).Select(r => r.Iteration));
        if (tear == "half line") File.AppendAllText(metrics, "15,0.12");
        else
        {
            var text = File.ReadAllText(metrics);
            File.WriteAllText(metrics, text[..(text.TrimEnd('\n').LastIndexOf(',') - 2)]); // row 12 loses its newline and its last cells
        }
        MetricsLog.ReadValid(metrics, out bool damaged);
        Assert.True(damaged, "the tear was not noticed");
        double keptElapsed = MetricsLog.Read(metrics).Single(r => r.Iteration == 9).ElapsedSeconds;

        var resumed = Train(selection, killed, resume: true);
        Assert.Equal(10, resumed.ResumedFrom);
        var rows = MetricsLog.ReadValid(metrics, out damaged);
        Assert.False(damaged);
        Assert.Equal(Exact(expected), Exact(rows));
        // Elapsed time goes on from the kept rows instead of starting again at 0.
        Assert.All(rows.Where(r => r.Iteration > 10), r => Assert.True(r.ElapsedSeconds >= keptElapsed, $"iteration {r.Iteration}: {r.ElapsedSeconds} s < {keptElapsed} s"));
    }

    [Fact]
    public void A_fresh_start_replaces_the_log_of_an_earlier_attempt()
    {
        var selection = Selection();
        string folder = Fixtures.TempDir();
        string metrics = Path.Combine(folder, MetricsLog.FileName);
        File.WriteAllText(metrics, MetricsLog.Format([new MetricsRow(99, 1, 1, 1, 1, 1)]));
        Train(selection, folder);
        Assert.Equal([3, 6, 9, 12, 15, 17], MetricsLog.Read(metrics).Select(r => r.Iteration));
    }

    [Fact]
    public void A_resume_may_change_the_log_interval()
    {
        var selection = Selection();
        string folder = Fixtures.TempDir();
        Assert.Throws<OperationCanceledException>(() => Train(selection, folder, progress: new KillAt(14)));
        // The interval is not part of the checkpoint's fingerprint: it never changes a result.
        var resumed = Train(selection, folder, resume: true, config: Config with { LogEvery = 5 });
        Assert.Equal(10, resumed.ResumedFrom);
        Assert.Equal([3, 6, 9, 15, 17], MetricsLog.Read(Path.Combine(folder, MetricsLog.FileName)).Select(r => r.Iteration));
    }
}
