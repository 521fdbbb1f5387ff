using BlockLora.Adapters;
using BlockLora.Checkpoints;
using BlockLora.Clip;
using BlockLora.Data;
using BlockLora.Tests.Adapters;
using BlockLora.Tests.Data;
using BlockLora.Torch;
using BlockLora.Training;
using static TorchSharp.torch;

namespace BlockLora.Tests.Training;

/// <summary>DoRA and Block-DoRA train on clip-tiny with a generated CoOp dataset, in every precision, and lower the loss.</summary>
[Collection(TrainingCollection.Name)]
public class DoraTrainingTests
{
    [Theory]
    [InlineData(AdapterMethod.Lora, 1, "fp32")]
    [InlineData(AdapterMethod.BlockLora, 4, "fp32")]
    [InlineData(AdapterMethod.BlockLora, 4, "bf16")]
    [InlineData(AdapterMethod.Lora, 1, "fp16")]
    public void DoRA_training_lowers_the_loss_and_moves_the_magnitude(AdapterMethod method, int blocks, string precision)
    {
        var tiny = TinyCoOpDataset.Create(Fixtures.TempDir(), 4, trainPerClass: 6, testPerClass: 3, seed: 5);
        var splits = DatasetReader.Read(tiny.Root, tiny.DatasetName);
        var selection = FewShotSampler.Sample(splits, 4, 1);
        var config = new TrainConfig
        {
            Iterations = 24, Precision = Precisions.Parse(precision), BatchSize = 8, LearningRate = 2e-2, MinLearningRate = 1e-4, DataWorkers = 2, CheckpointEvery = 0,
        };
        var adapter = new AdapterConfig { Method = method, Rank = 4, Blocks = blocks, Dropout = 0.1, Seed = 3, Dora = true };
        using var model = ClipCheckpoint.Load(Fixtures.ClipTiny("openai.safetensors"));
        ModelPrecision.Apply(model, config.Precision, CPU);
        using var set = AdapterInjector.Inject(model, adapter);
        var before = set.NamedParameters().Where(p => p.Name.EndsWith(".lora_magnitude", StringComparison.Ordinal)).Select(p => p.Parameter.detach().clone()).ToList();
        Assert.NotEmpty(before);
        var result = new Trainer(model, set, config).Train(selection, new TrainSession { Identity = config.ToString() + adapter });
        double firstLoss = result.Curve.Take(4).Average(p => p.Loss);
        double lastLoss = result.Curve.TakeLast(4).Average(p => p.Loss);
        Assert.True(lastLoss < 0.8 * firstLoss, $"loss {firstLoss:F3} → {lastLoss:F3}");
        var after = set.NamedParameters().Where(p => p.Name.EndsWith(".lora_magnitude", StringComparison.Ordinal)).Select(p => p.Parameter).ToList();
        Assert.Contains(after.Zip(before), pair => !TinyClip.BitIdentical(pair.First.detach(), pair.Second));
        Assert.All(after, m => Assert.Equal(ScalarType.Float32, m.dtype));
    }
}
