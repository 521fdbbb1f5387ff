using BlockLora.Adapters;
using BlockLora.Checkpoints;
using BlockLora.Data;
using BlockLora.Evaluation;
using BlockLora.Tests.Adapters;
using BlockLora.Tests.Data;
using BlockLora.Text;
using BlockLora.Torch;
using BlockLora.Training;
using static TorchSharp.torch;

namespace BlockLora.Tests.Training;

/// <summary>
/// Every method of the LoRA family on clip-tiny trains deterministically, and a run killed after a checkpoint and resumed
/// ends with the uninterrupted run's adapter bit for bit: the trained tensors, and the frozen ones a resume makes again
/// (LoRA-FA's A from the seed, PiSSA's A0, B0 from W0's SVD, VeRA's projections from the seed, DoRA's initial magnitude);
/// the adapter file it saves loads back to the same tensors and features.
/// </summary>
[Collection(TrainingCollection.Name)]
public class MethodResumeTests
{
    private static readonly TrainConfig Config = new()
    {
        Iterations = 12, Precision = Precision.Fp32, BatchSize = 8, LearningRate = 2e-2, MinLearningRate = 1e-4, DataWorkers = 2, CheckpointEvery = 4,
    };

    public static TheoryData<string> MethodNames => new(LoraFamily.Names);

    private sealed record Trained(TrainResult Result, Dictionary<string, Tensor> Adapter, Tensor Features, double TestAccuracy) : IDisposable
    {
        public void Dispose()
        {
            foreach (var t in Adapter.Values) t.Dispose();
            Features.Dispose();
        }
    }

    private sealed class KillAt(int iteration) : ITrainProgress
    {
        public void OnStep(TrainStep step) { if (step.Iteration == iteration) throw new OperationCanceledException("killed"); }
        public void OnMessage(string message) { }
    }

    /// <summary>Trains from a fresh injection (as a run does, resumed or not); every adapter tensor, trained or frozen, cloned.</summary>
    private static Trained Train(DatasetSplits splits, FewShotSelection selection, AdapterConfig adapter, string? checkpoint = null, bool resume = false,
        ITrainProgress? progress = null, string? savePath = null)
    {
        using var model = ClipCheckpoint.Load(Fixtures.ClipTiny("openai.safetensors"));
        using var set = AdapterInjector.Inject(model, adapter);
        var trainable = set.TrainableNamedParameters().Select(p => p.Name).ToHashSet();
        var frozen = set.NamedParameters().Where(p => !trainable.Contains(p.Name)).ToDictionary(p => p.Name, p => p.Parameter.detach().clone());
        var result = new Trainer(model, set, Config, progress).Train(selection, new TrainSession { Identity = Config.ToString() + adapter, CheckpointPath = checkpoint, Resume = resume });
        var weights = set.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.detach().clone());
        // What the optimizer does not hold stays as the injection made it (LoRA-FA's A, PiSSA's A0 and B0), and is not left at zero.
        foreach (var (name, initial) in frozen)
        {
            Assert.True(TinyClip.BitIdentical(initial, weights[name]), $"{name} is frozen but changed");
            Assert.True(initial.abs().max().item<float>() > 0, $"{name} was never initialised");
            initial.Dispose();
        }
        Tensor features;
        using (no_grad()) features = model.EncodeImage(Fixtures.Expected("pixels"));
        if (savePath is not null) AdapterFile.Save(savePath, set);
        var eval = Evaluator.Evaluate(model, splits.Test, PromptTemplate.Format(Config.Template, splits.ClassNames));
        return new Trained(result, weights, features, eval.Top1);
    }

    private static void AssertSameAdapter(Trained expected, Trained actual, string what)
    {
        Assert.Equal(expected.Adapter.Keys.Order(), actual.Adapter.Keys.Order());
        foreach (var (name, tensor) in expected.Adapter) Assert.True(TinyClip.BitIdentical(tensor, actual.Adapter[name]), $"{name} differs {what}");
        Assert.True(TinyClip.BitIdentical(expected.Features, actual.Features), $"image features differ {what}");
        Assert.Equal(expected.TestAccuracy, actual.TestAccuracy);
    }

    [Theory]
    [MemberData(nameof(MethodNames))]
    public void Training_is_deterministic_and_a_killed_run_resumes_to_the_same_adapter(string method)
    {
        var adapter = LoraFamily.Configs[method];
        var tiny = TinyCoOpDataset.Create(Fixtures.TempDir(), 4, trainPerClass: 6, testPerClass: 3, seed: 5);
        var splits = DatasetReader.Read(tiny.Root, tiny.DatasetName);
        var selection = FewShotSampler.Sample(splits, 4, 1);
        string dir = Fixtures.TempDir();

        using var uninterrupted = Train(splits, selection, adapter);
        using (var again = Train(splits, selection, adapter)) AssertSameAdapter(uninterrupted, again, "between two uninterrupted runs");

        string checkpoint = Path.Combine(dir, "checkpoint.safetensors");
        Assert.Throws<OperationCanceledException>(() => Train(splits, selection, adapter, checkpoint, progress: new KillAt(10)).Dispose());
        Assert.True(File.Exists(checkpoint));
        string saved = Path.Combine(dir, "adapter.safetensors");
        using var resumed = Train(splits, selection, adapter, checkpoint, resume: true, savePath: saved);
        Assert.Equal(8, resumed.Result.ResumedFrom);
        AssertSameAdapter(uninterrupted, resumed, "after the resume");
        Assert.Equal(uninterrupted.Result.Curve.Where(p => p.Iteration > 8), resumed.Result.Curve);
        Assert.False(File.Exists(checkpoint)); // a finished run removes its snapshot

        // The adapter file of the resumed run: every tensor it stores, and the features, as the run ended.
        using var model = ClipCheckpoint.Load(Fixtures.ClipTiny("openai.safetensors"));
        using var loaded = AdapterFile.Load(saved, model);
        foreach (var (name, parameter) in loaded.NamedParameters())
            Assert.True(TinyClip.BitIdentical(parameter.detach(), resumed.Adapter[name]), $"{name} differs in the saved file");
        using (no_grad()) Assert.True(TinyClip.BitIdentical(model.EncodeImage(Fixtures.Expected("pixels")), resumed.Features), "the loaded file encodes otherwise");
    }
}
