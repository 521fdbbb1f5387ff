using BlockLora.Checkpoints;
using BlockLora.Clip;
using BlockLora.IO;
using BlockLora.Tests;
using BlockLora.Workbook.Demo;

namespace BlockLora.Workbook.Tests.Demo;

/// <summary>A two-step pretraining of a very small CLIP: the checkpoint loads back with its sizes, in fp16, and the same seed makes the same file.</summary>
[Collection(TrainingCollection.Name)]
public class ContrastivePretrainerTests
{
    private static readonly ClipConfig Small = DemoModel.Config with
    {
        EmbedDim = 32,
        VisionWidth = 64,
        VisionHeads = 1,
        VisionLayers = 1,
        TextWidth = 64,
        TextHeads = 1,
        TextLayers = 1,
    };

    [Fact]
    public void Pretraining_is_deterministic_and_writes_a_loadable_fp16_checkpoint()
    {
        DemoPackages.RequireFashionMnist();
        var config = new ContrastivePretrainConfig { Clip = Small, Steps = 2, WarmupSteps = 1, BatchSize = 16 };
        string a = Path.Combine(Fixtures.TempDir(), "a.safetensors"), b = Path.Combine(Fixtures.TempDir(), "b.safetensors");
        var result = ContrastivePretrainer.Run(config, a);
        ContrastivePretrainer.Run(config, b);

        Assert.Equal(File.ReadAllBytes(a), File.ReadAllBytes(b));
        Assert.True(double.IsFinite(result.FinalLoss));
        Assert.Equal(6 * 6000, result.TrainImages);
        Assert.InRange(result.SeenTestAccuracy, 0, 100);

        var contents = SafeTensorsFile.Load(a);
        Assert.All(contents.Tensors.Values, t => Assert.Equal(TorchSharp.torch.ScalarType.Float16, t.dtype));
        Assert.Equal("sandal,sneaker,bag,ankle_boot", contents.Metadata["held_out_classes"]);
        using var model = ClipCheckpoint.Load(a);
        Assert.Equal(Small, model.Config);
    }

    [Fact]
    public void Learning_rate_warms_up_then_follows_the_cosine()
    {
        var config = new ContrastivePretrainConfig { Steps = 110, WarmupSteps = 10, LearningRate = 1e-3, MinLearningRate = 1e-5 };
        Assert.Equal(1e-4, ContrastivePretrainer.LearningRate(0, config), 12);
        Assert.Equal(1e-3, ContrastivePretrainer.LearningRate(9, config), 12);
        Assert.Equal(1e-3, ContrastivePretrainer.LearningRate(10, config), 12);
        Assert.Equal((1e-3 + 1e-5) / 2, ContrastivePretrainer.LearningRate(60, config), 12);
    }

    [Fact]
    public void The_bundled_checkpoint_loads_with_the_demo_sizes()
    {
        Assert.True(File.Exists(DemoModel.BundledPath), $"{DemoModel.BundledPath} is missing; the build copies it from src/BlockLora.Workbook.Demo/Assets");
        using var model = ClipCheckpoint.Load(DemoModel.BundledPath);
        Assert.Equal(DemoModel.Config, model.Config);
        Assert.True(new FileInfo(DemoModel.BundledPath).Length <= 20_000_000);
    }
}
