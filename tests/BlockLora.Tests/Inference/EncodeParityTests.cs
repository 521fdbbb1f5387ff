using BlockLora.Inference;
using BlockLora.IO;
using static TorchSharp.torch;

namespace BlockLora.Tests.Inference;

/// <summary>End to end, `blora encode`'s job reproduces the reference file from raw images and texts in every layout.</summary>
public class EncodeParityTests
{
    public static TheoryData<string> Layouts => new(Fixtures.Layouts);

    private static readonly string[] Images = ["exact_0.png", "exact_1.png", "exact_2.png", "real_CLIP.png"];

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Encode_reproduces_expected_outputs(string layout)
    {
        string output = Path.Combine(Fixtures.TempDir(), "out.safetensors");
        EncodeJob.Run(new EncodeRequest
        {
            ModelPath = Fixtures.ClipTiny(layout),
            Images = Images.Select(Fixtures.ClipTiny).ToList(),
            TextsFile = Fixtures.ClipTiny("texts.json"),
            OutputPath = output,
            BatchSize = 3, // not a divisor of 4 or 9, so batching seams are exercised
        });
        var got = SafeTensorsFile.Load(output).Tensors;

        Assert.True(got["tokens"].equal(Fixtures.Expected("tokens")).all().item<bool>(), "tokens identical");
        var exact = arange(3);
        Assert.True(Fixtures.MaxAbsDiff(got["pixels"][exact], Fixtures.Expected("pixels")[exact]) <= 1e-5, "exact pixels");
        double realPixelMean = (got["pixels"][3] - Fixtures.Expected("pixels")[3]).abs().mean().item<float>();
        Assert.True(realPixelMean <= 0.02, $"real_CLIP.png mean pixel diff {realPixelMean}");

        Assert.True(Fixtures.MaxAbsDiff(got["image_features"][exact], Fixtures.Expected("image_features")[exact]) < 1e-4, "image features");
        double cosine = nn.functional.cosine_similarity(got["image_features"][3].unsqueeze(0), Fixtures.Expected("image_features")[3].unsqueeze(0)).item<float>();
        Assert.True(cosine >= 0.999, $"real_CLIP.png feature cosine {cosine}");
        Assert.True(Fixtures.MaxAbsDiff(got["text_features"], Fixtures.Expected("text_features")) < 1e-4, "text features");
        Assert.True(Fixtures.MaxAbsDiff(got["logits_per_image"], Fixtures.Expected("logits_per_image")) < 1e-3, "logits");
    }
}
