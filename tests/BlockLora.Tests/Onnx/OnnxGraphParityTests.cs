using BlockLora.Onnx;
using BlockLora.Tests.Adapters;
using static TorchSharp.torch;

namespace BlockLora.Tests.Onnx;

/// <summary>Each graph, run in ONNX Runtime, computes what the model computes (no adapter, clip-tiny).</summary>
public class OnnxGraphParityTests
{
    [Fact]
    public void Image_and_text_encoders_match_the_model()
    {
        using var model = TinyClip.LoadFixture();
        model.eval();
        string dir = Fixtures.TempDir();
        string image = Path.Combine(dir, "image.onnx"), text = Path.Combine(dir, "text.onnx");
        OnnxModelFile.Write(ClipOnnxGraphs.ImageEncoder(model, OnnxPrecision.Fp32), image, "", new Dictionary<string, string>());
        OnnxModelFile.Write(ClipOnnxGraphs.TextEncoder(model, OnnxPrecision.Fp32), text, "", new Dictionary<string, string>());
        using var _ = no_grad();
        var pixels = Fixtures.Expected("pixels"); // shared by every test: not disposed here
        var tokens = Fixtures.Expected("tokens");
        using var expectedImage = model.EncodeImage(pixels);
        using var expectedText = model.EncodeText(tokens);
        using var gotImage = OrtRun.Run(image, ClipOnnxGraphs.PixelsInput, pixels, ClipOnnxGraphs.ImageFeaturesOutput);
        using var gotText = OrtRun.Run(text, ClipOnnxGraphs.TokensInput, tokens, ClipOnnxGraphs.TextFeaturesOutput);
        Assert.True(TinyClip.RelativeError(gotImage, expectedImage) < 1e-5, $"image {TinyClip.RelativeError(gotImage, expectedImage)}");
        Assert.True(TinyClip.RelativeError(gotText, expectedText) < 1e-5, $"text {TinyClip.RelativeError(gotText, expectedText)}");
    }
}
