using System.Diagnostics;
using BlockLora.Clip;
using BlockLora.Onnx;
using BlockLora.Tests.Adapters;
using Microsoft.ML.OnnxRuntime;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace BlockLora.Tests.Onnx;

/// <summary>
/// A ViT-B/16-shaped CLIP (random weights) exports, loads in ONNX Runtime and classifies one image: the size the real
/// model's files have. Sizes and load times are printed (speed is <c>blora bench</c>'s; nothing here asserts a time).
/// </summary>
public class VitB16ExportTests(ITestOutputHelper output)
{
    [Fact]
    public void A_vit_b16_export_loads_and_runs_a_batch_of_one()
    {
        var config = ClipConfig.VitB16;
        using var model = TinyClip.Create(config);
        string dir = Fixtures.TempDir();
        try
        {
            using var classes = L2Rows(randn(10, config.EmbedDim));
            string classifier = Path.Combine(dir, OnnxExportFiles.Classifier), text = Path.Combine(dir, OnnxExportFiles.TextEncoder);
            var clock = Stopwatch.StartNew();
            OnnxModelFile.Write(ClipOnnxGraphs.Classifier(model, classes, OnnxPrecision.Fp32), classifier, "", new Dictionary<string, string>());
            OnnxModelFile.Write(ClipOnnxGraphs.TextEncoder(model, OnnxPrecision.Fp32), text, "", new Dictionary<string, string>());
            double exportSeconds = clock.Elapsed.TotalSeconds;

            clock.Restart();
            using var options = new SessionOptions { IntraOpNumThreads = 2 };
            using var session = new InferenceSession(classifier, options);
            double loadSeconds = clock.Elapsed.TotalSeconds;
            using var pixels = randn(1, 3, config.ImageResolution, config.ImageResolution);
            clock.Restart();
            using var logits = OrtRun.Run(session, ClipOnnxGraphs.PixelsInput, pixels, ClipOnnxGraphs.LogitsOutput);
            double runSeconds = clock.Elapsed.TotalSeconds;
            using var _ = no_grad();
            using var features = model.EncodeImage(pixels);
            using var expected = model.Logits(features, classes);

            long classifierBytes = new FileInfo(classifier).Length, textBytes = new FileInfo(text).Length;
            output.WriteLine($"ViT-B/16 fp32: classifier.onnx {classifierBytes / 1e6:F1} MB, text_encoder.onnx {textBytes / 1e6:F1} MB; "
                + $"export {exportSeconds:F1} s, ONNX Runtime load {loadSeconds:F2} s, first batch of 1 {runSeconds:F2} s");
            Assert.Equal([1L, 10L], logits.shape);
            Assert.InRange(classifierBytes, 340_000_000, 350_000_000); // 86 M vision parameters in fp32
            Assert.True(TinyClip.RelativeError(logits, expected) < 1e-4, $"logits {TinyClip.RelativeError(logits, expected)}");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static Tensor L2Rows(Tensor x)
    {
        using (x) return BlockLora.Torch.L2.Normalize(x);
    }
}
