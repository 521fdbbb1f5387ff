using BlockLora.Onnx;
using BlockLora.Tests.Adapters;

namespace BlockLora.Tests.Onnx;

/// <summary>Past protobuf's 2 GiB the weights go to a data file beside the model; ONNX Runtime loads it and computes the same.</summary>
public class OnnxModelFileTests
{
    [Fact]
    public void Weights_above_the_limit_go_to_external_data_and_load_the_same()
    {
        using var model = TinyClip.LoadFixture();
        string dir = Fixtures.TempDir();
        string inside = Path.Combine(dir, "inside.onnx"), outside = Path.Combine(dir, "outside.onnx");
        var graph = ClipOnnxGraphs.ImageEncoder(model, OnnxPrecision.Fp32);
        Assert.Equal([inside], OnnxModelFile.Write(graph, inside, "", new Dictionary<string, string>()));
        var written = OnnxModelFile.Write(ClipOnnxGraphs.ImageEncoder(model, OnnxPrecision.Fp32), outside, "", new Dictionary<string, string>(), externalAbove: 1000);
        Assert.Equal([outside, outside + ".data"], written);
        Assert.True(new FileInfo(outside).Length < 64_000, $"the model file kept {new FileInfo(outside).Length} bytes");
        Assert.True(new FileInfo(outside + ".data").Length >= graph.WeightBytes * 9 / 10);

        var pixels = Fixtures.Expected("pixels"); // shared by every test: not disposed here
        using var a = OrtRun.Run(inside, ClipOnnxGraphs.PixelsInput, pixels, ClipOnnxGraphs.ImageFeaturesOutput);
        using var b = OrtRun.Run(outside, ClipOnnxGraphs.PixelsInput, pixels, ClipOnnxGraphs.ImageFeaturesOutput);
        Assert.True(a.equal(b).all().item<bool>());
    }
}
