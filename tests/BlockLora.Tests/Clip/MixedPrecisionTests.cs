using BlockLora.Tests.Adapters;
using BlockLora.Adapters;
using BlockLora.Checkpoints;
using BlockLora.Clip;
using BlockLora.Torch;
using static TorchSharp.torch;

namespace BlockLora.Tests.Clip;

/// <summary>
/// The manual autocast on the clip-tiny fixture: bf16 and fp16 stay within cosine 0.999 of the fp32 reference
/// features and keep every argmax of <c>logits_per_image</c>; weights are held in the compute dtype, LayerNorm and the
/// logit scale in fp32, adapters as fp32 master weights; merging rounds once and unmerging restores the exact bits.
/// </summary>
public class MixedPrecisionTests
{
    public static TheoryData<string> HalfPrecisions => new("bf16", "fp16");

    private static ClipModel Load(string precision)
    {
        var model = ClipCheckpoint.Load(Fixtures.ClipTiny("openai.safetensors"));
        ModelPrecision.Apply(model, Precisions.Parse(precision), CPU);
        return model;
    }

    [Theory]
    [MemberData(nameof(HalfPrecisions))]
    public void Encode_stays_within_cosine_0_999_of_fp32_and_keeps_the_argmax(string precision)
    {
        using var scope = NewDisposeScope();
        using var model = Load(precision);
        using var _ = no_grad();
        var image = model.EncodeImage(Fixtures.Expected("pixels"));
        var text = model.EncodeText(Fixtures.Expected("tokens"));
        Assert.Equal(ScalarType.Float32, image.dtype); // features leave the model in fp32
        double imageCos = nn.functional.cosine_similarity(image, Fixtures.Expected("image_features")).min().item<float>();
        double textCos = nn.functional.cosine_similarity(text, Fixtures.Expected("text_features")).min().item<float>();
        Console.WriteLine($"{precision}: min cosine image {imageCos:F6}, text {textCos:F6}");
        Assert.True(imageCos >= 0.999, $"{precision} image features: min cosine {imageCos:F5}");
        Assert.True(textCos >= 0.999, $"{precision} text features: min cosine {textCos:F5}");
        var logits = model.Logits(image, text);
        Assert.True(logits.argmax(1).equal(Fixtures.Expected("logits_per_image").argmax(1)).all().item<bool>(), $"{precision} argmax of logits_per_image");
    }

    [Theory]
    [MemberData(nameof(HalfPrecisions))]
    public void Weights_are_held_in_the_compute_dtype_and_adapters_stay_fp32(string precision)
    {
        using var model = Load(precision);
        var dtype = precision == "bf16" ? ScalarType.BFloat16 : ScalarType.Float16;
        Assert.Equal(dtype, model.ComputeDType);
        foreach (var (name, parameter) in model.named_parameters())
            Assert.True(parameter.dtype == (ClipModel.KeepsFp32(name) ? ScalarType.Float32 : dtype), $"{name} is {parameter.dtype}");
        Assert.Contains(model.named_parameters(), p => p.name.EndsWith("ln_1.weight", StringComparison.Ordinal));
        using var adapters = AdapterInjector.Inject(model, new AdapterConfig { Method = AdapterMethod.BlockLora, Blocks = 4 });
        Assert.All(adapters.TrainableParameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
    }

    [Fact]
    public void Fp32_leaves_every_weight_untouched()
    {
        using var reference = ClipCheckpoint.Load(Fixtures.ClipTiny("openai.safetensors"));
        using var model = Load("fp32");
        var before = reference.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, parameter) in model.named_parameters())
            Assert.True(parameter.equal(before[name]).all().item<bool>(), name);
    }

    [Fact]
    public void A_model_held_in_bf16_cannot_be_asked_for_another_dtype()
    {
        using var model = Load("bf16");
        var e = Assert.Throws<InvalidOperationException>(() => ModelPrecision.Apply(model, Precision.Fp32, CPU));
        Assert.Contains("load the checkpoint again", e.Message);
    }

    [Fact]
    public void Merged_equals_unmerged_within_bf16_tolerance_and_unmerge_restores_the_bits()
    {
        using var scope = NewDisposeScope();
        using var model = Load("bf16");
        var snapshot = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());
        using var adapters = AdapterInjector.Inject(model, new AdapterConfig { Method = AdapterMethod.BlockLora, Blocks = 4, Rank = 2 });
        TinyClip.Randomize(adapters);
        using var _ = no_grad();
        var pixels = Fixtures.Expected("pixels");
        var unmerged = model.EncodeImage(pixels);
        adapters.MergeAll();
        var merged = model.EncodeImage(pixels);
        double relative = ((merged - unmerged).norm() / unmerged.norm()).item<float>();
        // bf16 keeps 8 significant bits (relative rounding 2^-9 ≈ 0.002 per weight): merging rounds W0 + s·ΔW once,
        // the unmerged path rounds the adapter's output instead, so the two agree to a few bf16 ulps.
        Assert.True(relative < 2e-2, $"merged vs unmerged relative difference {relative:E2}");
        for (int i = 0; i < 100; i++)
        {
            adapters.UnmergeAll();
            adapters.MergeAll();
        }
        adapters.UnmergeAll();
        foreach (var (name, parameter) in model.named_parameters())
            Assert.True(parameter.equal(snapshot[name]).all().item<bool>(), $"{name} changed after 100 merge/unmerge switches in bf16");
    }
}
