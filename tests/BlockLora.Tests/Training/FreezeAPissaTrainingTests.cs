using BlockLora.Adapters;
using BlockLora.Checkpoints;
using BlockLora.Data;
using BlockLora.Tests.Data;
using BlockLora.Torch;
using BlockLora.Training;
using BlockLora.Tests.Adapters;

namespace BlockLora.Tests.Training;

/// <summary>LoRA-FA and PiSSA train on clip-tiny: A stays bit for bit with --freeze-a, the loss goes down.</summary>
[Collection(TrainingCollection.Name)]
public class FreezeAPissaTrainingTests
{
    private static readonly TrainConfig Fast = new()
    {
        Iterations = 24, Precision = Precision.Fp32, BatchSize = 8, LearningRate = 2e-2, MinLearningRate = 1e-4, DataWorkers = 2, CheckpointEvery = 0,
    };

    public static TheoryData<AdapterMethod, int, AdapterInit, bool> Cases => new()
    {
        { AdapterMethod.Lora, 1, AdapterInit.Kaiming, true },
        { AdapterMethod.BlockLora, 4, AdapterInit.Kaiming, true },
        { AdapterMethod.Lora, 1, AdapterInit.Pissa, false },
        { AdapterMethod.BlockLora, 4, AdapterInit.Pissa, false },
        { AdapterMethod.Lora, 1, AdapterInit.Pissa, true },
        { AdapterMethod.BlockLora, 4, AdapterInit.Pissa, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Trains_lowers_the_loss_and_keeps_a_frozen_A_bit_for_bit(AdapterMethod method, int blocks, AdapterInit init, bool freezeA)
    {
        var tiny = TinyCoOpDataset.Create(Fixtures.TempDir(), 4, trainPerClass: 6, testPerClass: 3, seed: 5);
        var splits = DatasetReader.Read(tiny.Root, tiny.DatasetName);
        var selection = FewShotSampler.Sample(splits, 4, 1);
        var config = new AdapterConfig { Method = method, Rank = 4, Blocks = blocks, Dropout = 0.1, Seed = 3, FreezeA = freezeA, Init = init };
        using var model = ClipCheckpoint.Load(Fixtures.ClipTiny("openai.safetensors"));
        using var set = AdapterInjector.Inject(model, config);
        var before = set.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.detach().clone());
        var expectedTrainable = freezeA ? set.Matrices.Sum(m => 4 * m.OutFeatures) : ParameterAccounting.FromConfig(model.Config, config).Total.Parameters;
        Assert.Equal(expectedTrainable, set.TrainableParameters().Sum(p => p.numel()));
        Assert.Equal(expectedTrainable, ParameterAccounting.FromConfig(model.Config, config).Total.Parameters);

        var result = new Trainer(model, set, Fast).Train(selection, new TrainSession { Identity = Fast.ToString() + config });

        double firstLoss = result.Curve.Take(4).Average(p => p.Loss);
        double lastLoss = result.Curve.TakeLast(4).Average(p => p.Loss);
        Assert.True(lastLoss < 0.9 * firstLoss, $"loss {firstLoss:F3} → {lastLoss:F3}");
        foreach (var (name, parameter) in set.NamedParameters())
        {
            bool same = TinyClip.BitIdentical(parameter, before[name]);
            bool frozen = name.EndsWith(".pissa_A0") || name.EndsWith(".pissa_B0") || (freezeA && name.EndsWith(".lora_A"));
            Assert.True(frozen == same, $"{name}: {(frozen ? "changed though frozen" : "did not train")}");
        }
        foreach (var t in before.Values) t.Dispose();
    }
}
