using BlockLora.Adapters;
using BlockLora.Checkpoints;
using BlockLora.Torch;
using static TorchSharp.torch;

namespace BlockLora.Tests.Adapters;

/// <summary>An adapter file is fp32 master weights whatever precision trained it, so it loads into a model held in any precision.</summary>
public class AdapterPrecisionTests
{
    [Fact]
    public void An_adapter_saved_from_a_bf16_model_loads_into_fp32_and_fp16_models()
    {
        using var scope = NewDisposeScope();
        string path = Path.Combine(Fixtures.TempDir(), "adapter.safetensors");
        using (var bf16 = ClipCheckpoint.Load(Fixtures.ClipTiny("openai.safetensors"), Precision.Bf16, "cpu"))
        using (var set = AdapterInjector.Inject(bf16, new AdapterConfig { Method = AdapterMethod.BlockLora, Blocks = 4 }))
        {
            TinyClip.Randomize(set);
            AdapterFile.Save(path, set, new Dictionary<string, string> { ["precision"] = "bf16" });
        }
        var saved = AdapterFile.Load(path, ClipCheckpoint.Load(Fixtures.ClipTiny("openai.safetensors")));
        Assert.All(saved.TrainableParameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
        using var _ = no_grad();
        var pixels = Fixtures.Expected("pixels");
        Tensor Features(Precision precision)
        {
            var model = ClipCheckpoint.Load(Fixtures.ClipTiny("openai.safetensors"), precision, "cpu");
            using var set = AdapterFile.Load(path, model);
            return model.EncodeImage(pixels);
        }
        var fp32 = Features(Precision.Fp32);
        var fp16 = Features(Precision.Fp16);
        double cosine = nn.functional.cosine_similarity(fp32, fp16).min().item<float>();
        Assert.True(cosine > 0.999, $"fp16 against fp32 with the same adapter: cosine {cosine}");
    }
}
