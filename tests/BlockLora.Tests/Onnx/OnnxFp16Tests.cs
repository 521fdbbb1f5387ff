using BlockLora.Onnx;
using BlockLora.Tests.Adapters;
using Xunit.Abstractions;

namespace BlockLora.Tests.Onnx;

/// <summary>
/// <c>--fp16</c> stores half the bytes and runs in ONNX Runtime's CPU provider; its outputs follow the fp32 export within
/// fp16's rounding (matrix products in fp16, LayerNorm, softmax and the cosine head in fp32).
/// </summary>
public class OnnxFp16Tests(ITestOutputHelper output)
{
    [Fact]
    public void Fp16_export_halves_the_weights_and_follows_fp32()
    {
        using var model = TinyClip.LoadFixture();
        string dir = Fixtures.TempDir();
        using var classes = OnnxExportJob.ClassEmbeddings(model, ["cat", "dog", "car"], ["a photo of a {}."]);
        var files = new Dictionary<(string, OnnxPrecision), string>();
        foreach (var precision in new[] { OnnxPrecision.Fp32, OnnxPrecision.Fp16 })
        {
            files[("classifier", precision)] = Path.Combine(dir, $"classifier-{precision}.onnx");
            files[("text", precision)] = Path.Combine(dir, $"text-{precision}.onnx");
            OnnxModelFile.Write(ClipOnnxGraphs.Classifier(model, classes, precision), files[("classifier", precision)], "", new Dictionary<string, string>());
            OnnxModelFile.Write(ClipOnnxGraphs.TextEncoder(model, precision), files[("text", precision)], "", new Dictionary<string, string>());
        }
        long full = new FileInfo(files[("text", OnnxPrecision.Fp32)]).Length, half = new FileInfo(files[("text", OnnxPrecision.Fp16)]).Length;
        Assert.InRange(half, full * 45 / 100, full * 55 / 100);

        var pixels = Fixtures.Expected("pixels"); // shared by every test: not disposed here
        var tokens = Fixtures.Expected("tokens");
        using var logits32 = OrtRun.Run(files[("classifier", OnnxPrecision.Fp32)], ClipOnnxGraphs.PixelsInput, pixels, ClipOnnxGraphs.LogitsOutput);
        using var logits16 = OrtRun.Run(files[("classifier", OnnxPrecision.Fp16)], ClipOnnxGraphs.PixelsInput, pixels, ClipOnnxGraphs.LogitsOutput);
        using var text32 = OrtRun.Run(files[("text", OnnxPrecision.Fp32)], ClipOnnxGraphs.TokensInput, tokens, ClipOnnxGraphs.TextFeaturesOutput);
        using var text16 = OrtRun.Run(files[("text", OnnxPrecision.Fp16)], ClipOnnxGraphs.TokensInput, tokens, ClipOnnxGraphs.TextFeaturesOutput);
        double logitsError = TinyClip.RelativeError(logits16, logits32), textError = TinyClip.RelativeError(text16, text32);
        output.WriteLine($"fp16 vs fp32: logits {logitsError:E2}, text features {textError:E2}; text encoder {full} → {half} bytes");
        Assert.True(logitsError < 1e-2, $"logits {logitsError}");
        Assert.True(textError < 1e-2, $"text features {textError}");
        Assert.True(logitsError > 0, "an fp16 export that equals the fp32 one bit for bit did not round anything");
    }
}
