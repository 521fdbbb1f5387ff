using BlockLora.Adapters;
using BlockLora.Checkpoints;
using BlockLora.Torch;
using static TorchSharp.torch;

namespace BlockLora.Tests.Adapters;

/// <summary>An adapter file is fp32 master weights whatever precision trained it, so it loads into a model held in any precision.</summary>
public class AdapterPrecisionTests
{
    public static TheoryData<string, string> MethodsAndPrecisions
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var method in LoraFamily.Names)
                foreach (var precision in new[] { "fp32", "bf16", "fp16" }) data.Add(method, precision);
            return data;
        }
    }

    /// <summary>
    /// Every method in every precision: its tensors stay fp32 masters on a model held in bf16 or fp16, gradients land in fp32
    /// on exactly the trained ones, and the file it saves loads into an fp32 model with the same tensors, computing what the
    /// low-precision model computed to that precision's accuracy (fp32: bit for bit).
    /// </summary>
    [Theory]
    [MemberData(nameof(MethodsAndPrecisions))]
    public void Every_method_keeps_fp32_masters_and_saves_a_file_an_fp32_model_computes_alike(string method, string precisionName)
    {
        using var scope = NewDisposeScope();
        var precision = Precisions.Parse(precisionName);
        var config = LoraFamily.Configs[method];
        string path = Path.Combine(Fixtures.TempDir(), "adapter.safetensors");
        var pixels = Fixtures.Expected("pixels");
        Tensor lowFeatures;
        Dictionary<string, Tensor> saved;
        using (var model = ClipCheckpoint.Load(Fixtures.ClipTiny("openai.safetensors"), precision, "cpu"))
        using (var set = AdapterInjector.Inject(model, config))
        {
            TinyClip.Randomize(set, scale: 0.2);
            Assert.All(set.NamedParameters(), p => Assert.Equal(ScalarType.Float32, p.Parameter.dtype));
            var trainable = set.TrainableNamedParameters().Select(p => p.Name).ToHashSet();
            Assert.NotEmpty(trainable);

            // Both towers, so every adapted matrix is on the path of the loss.
            (model.EncodeImage(pixels).to(ScalarType.Float32).pow(2).sum() + model.EncodeText(Fixtures.Expected("tokens")).to(ScalarType.Float32).pow(2).sum()).backward();
            foreach (var (name, parameter) in set.NamedParameters())
            {
                if (!trainable.Contains(name)) { Assert.True(parameter.grad is null, $"{name} is frozen but got a gradient"); continue; }
                var grad = parameter.grad ?? throw new Xunit.Sdk.XunitException($"{name} got no gradient in {precisionName}");
                Assert.Equal(ScalarType.Float32, grad.dtype);
                Assert.True(grad.isfinite().all().item<bool>(), $"{name}: non-finite gradient in {precisionName}");
            }
            Assert.Contains(set.TrainableParameters(), p => p.grad!.abs().max().item<float>() > 0);

            using (no_grad()) lowFeatures = model.EncodeImage(pixels).to(ScalarType.Float32);
            saved = set.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.detach().clone());
            AdapterFile.Save(path, set);
        }

        using var fp32 = ClipCheckpoint.Load(Fixtures.ClipTiny("openai.safetensors"));
        using var loaded = AdapterFile.Load(path, fp32);
        foreach (var (name, parameter) in loaded.NamedParameters())
            Assert.True(TinyClip.BitIdentical(parameter.detach(), saved[name]), $"{name} differs after save and load");
        using var _ = no_grad();
        var features = fp32.EncodeImage(pixels);
        if (precision == Precision.Fp32)
        {
            Assert.True(TinyClip.BitIdentical(features, lowFeatures), "fp32 features differ after save and load");
            return;
        }
        double cosine = nn.functional.cosine_similarity(features, lowFeatures).min().item<float>();
        Assert.True(cosine > (precision == Precision.Bf16 ? 0.99 : 0.999), $"{method} {precisionName} against fp32 with the same adapter: cosine {cosine}");
    }

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
