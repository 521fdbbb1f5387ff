using BlockLora.Torch;
using BlockLora.Adapters;
using BlockLora.Checkpoints;
using BlockLora.Clip;
using BlockLora.Data;
using BlockLora.Evaluation;
using BlockLora.Tests.Data;
using BlockLora.Text;
using BlockLora.Training;
using static TorchSharp.torch;

namespace BlockLora.Tests.Training;

/// <summary>Training on clip-tiny with a generated CoOp dataset: learns, is reproducible, and resumes exactly.</summary>
[Collection(TrainingCollection.Name)]
public class TrainerTests
{
    private static readonly TrainConfig Fast = new()
    {
        Iterations = 24, Precision = Precision.Fp32,
        BatchSize = 8,
        LearningRate = 2e-2,
        MinLearningRate = 1e-4,
        DataWorkers = 2,
        CheckpointEvery = 0,
    };

    private static readonly AdapterConfig BlockLora = new() { Method = AdapterMethod.BlockLora, Rank = 4, Blocks = 4, Dropout = 0.1, Seed = 3 };

    private static (DatasetSplits Splits, FewShotSelection Selection) Data(int classes = 4)
    {
        var tiny = TinyCoOpDataset.Create(Fixtures.TempDir(), classes, trainPerClass: 6, testPerClass: 3, seed: 5);
        var splits = DatasetReader.Read(tiny.Root, tiny.DatasetName);
        return (splits, FewShotSampler.Sample(splits, 4, 1));
    }

    private static (TrainResult Result, Dictionary<string, Tensor> Adapter, double TestAccuracy) TrainOnce(
        DatasetSplits splits, FewShotSelection selection, TrainConfig config, AdapterConfig adapterConfig,
        string? checkpoint = null, bool resume = false, ITrainProgress? progress = null)
    {
        using var model = ClipCheckpoint.Load(Fixtures.ClipTiny("openai.safetensors"));
        ModelPrecision.Apply(model, config.Precision, CPU); // the trainer computes in the dtype the model holds
        using var set = AdapterInjector.Inject(model, adapterConfig);
        var result = new Trainer(model, set, config, progress).Train(selection, new TrainSession { Identity = config.ToString() + adapterConfig, CheckpointPath = checkpoint, Resume = resume });
        var weights = set.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.detach().clone());
        var eval = Evaluator.Evaluate(model, splits.Test, PromptTemplate.Format(config.Template, splits.ClassNames));
        return (result, weights, eval.Top1);
    }

    [Theory]
    [InlineData("fp32")]
    [InlineData("bf16")]
    [InlineData("fp16")]
    public void Training_lowers_the_loss_and_raises_train_accuracy(string precision)
    {
        var (splits, selection) = Data();
        var (result, _, _) = TrainOnce(splits, selection, Fast with { Precision = Precisions.Parse(precision) }, BlockLora);
        Assert.Equal(precision, result.Precision);
        double firstLoss = result.Curve.Take(4).Average(p => p.Loss);
        double lastLoss = result.Curve.TakeLast(4).Average(p => p.Loss);
        double firstAcc = result.Curve.Take(4).Average(p => p.BatchAccuracy);
        double lastAcc = result.Curve.TakeLast(4).Average(p => p.BatchAccuracy);
        Assert.True(lastLoss < 0.8 * firstLoss, $"loss {firstLoss:F3} → {lastLoss:F3}");
        Assert.True(lastAcc > firstAcc, $"train accuracy {firstAcc:P0} → {lastAcc:P0}");
        Assert.Equal(24, result.Curve.Count);
        Assert.Equal(2e-2, result.Curve[0].LearningRate, 9);
    }

    [Theory]
    [InlineData("fp32")]
    [InlineData("bf16")]
    public void Same_seed_gives_identical_adapter_and_accuracy(string precision)
    {
        var (splits, selection) = Data();
        var config = Fast with { Iterations = 8, Precision = Precisions.Parse(precision) };
        var a = TrainOnce(splits, selection, config, BlockLora);
        var b = TrainOnce(splits, selection, config, BlockLora);
        foreach (var (name, tensor) in a.Adapter) Assert.Equal(ScalarType.Float32, tensor.dtype); // fp32 master weights
        Assert.Equal(a.TestAccuracy, b.TestAccuracy);
        foreach (var (name, tensor) in a.Adapter) Assert.True(tensor.equal(b.Adapter[name]).all().item<bool>(), name);
        var c = TrainOnce(splits, selection with { Seed = 2 }, config, BlockLora);
        Assert.Contains(a.Adapter, kv => !kv.Value.equal(c.Adapter[kv.Key]).all().item<bool>());
    }

    private sealed class KillAt(int iteration) : ITrainProgress
    {
        public void OnStep(TrainStep step) { if (step.Iteration == iteration) throw new OperationCanceledException("killed"); }
        public void OnMessage(string message) { }
    }

    [Theory]
    [InlineData("fp32")]
    [InlineData("bf16")]
    [InlineData("fp16")]
    public void A_killed_run_resumes_to_the_same_adapter(string precision)
    {
        var (splits, selection) = Data();
        var config = Fast with { Iterations = 16, CheckpointEvery = 5, Precision = Precisions.Parse(precision) };
        var uninterrupted = TrainOnce(splits, selection, config, BlockLora);

        string checkpoint = Path.Combine(Fixtures.TempDir(), "checkpoint.safetensors");
        Assert.Throws<OperationCanceledException>(() => TrainOnce(splits, selection, config, BlockLora, checkpoint, progress: new KillAt(12)));
        Assert.True(File.Exists(checkpoint));
        var resumed = TrainOnce(splits, selection, config, BlockLora, checkpoint, resume: true);

        Assert.Equal(10, resumed.Result.ResumedFrom);
        foreach (var (name, tensor) in uninterrupted.Adapter)
            Assert.True(tensor.equal(resumed.Adapter[name]).all().item<bool>(), $"{name} differs after resume");
        Assert.Equal(uninterrupted.TestAccuracy, resumed.TestAccuracy);
        Assert.False(File.Exists(checkpoint)); // a finished run removes its snapshot
    }

    [Fact]
    public void A_checkpoint_from_other_settings_is_refused()
    {
        var (splits, selection) = Data();
        string checkpoint = Path.Combine(Fixtures.TempDir(), "checkpoint.safetensors");
        var config = Fast with { Iterations = 12, CheckpointEvery = 5 };
        Assert.Throws<OperationCanceledException>(() => TrainOnce(splits, selection, config, BlockLora, checkpoint, progress: new KillAt(7)));
        var e = Assert.Throws<InvalidDataException>(() => TrainOnce(splits, selection, config with { LearningRate = 1e-3 }, BlockLora, checkpoint, resume: true));
        Assert.Contains("other settings", e.Message);
    }

    [Fact]
    public void Text_features_are_cached_when_only_vision_is_adapted()
    {
        var (splits, selection) = Data();
        var visionOnly = BlockLora with { Encoders = AdapterEncoders.Vision };
        var (result, adapter, _) = TrainOnce(splits, selection, Fast with { Iterations = 6 }, visionOnly);
        Assert.All(adapter.Keys, k => Assert.StartsWith("visual.", k));
        Assert.True(result.Curve.Last().Loss < result.Curve.First().Loss);
    }
}
