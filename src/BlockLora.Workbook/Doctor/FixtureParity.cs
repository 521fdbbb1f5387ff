using BlockLora.Checkpoints;
using BlockLora.Clip;
using BlockLora.Torch;
using static TorchSharp.torch;

namespace BlockLora.Workbook.Doctor;

/// <summary>
/// The fixture's CLIP on this device against PyTorch's outputs (<see cref="DoctorFixture"/>): at fp32 with the test
/// suite's tolerances (features 1e-4, logits 1e-3), and at a half precision, which cannot match fp32 to those, by the
/// cosine of each feature vector with PyTorch's fp32 one.
/// </summary>
public static class FixtureParity
{
    public const double FeatureTolerance = 1e-4;
    public const double LogitTolerance = 1e-3;
    /// <summary>bf16 keeps 8 bits of mantissa: features of a working half-precision route stay this close in direction.</summary>
    public const double HalfCosine = 0.99;

    public static IEnumerable<DoctorCheck> Run(DoctorConfig config, ComputeTarget target)
    {
        var expected = DoctorFixture.Expected(config.FixtureDir);
        string model = DoctorFixture.ModelPath(config.FixtureDir);
        var (image, text, logits) = Encode(model, target with { DType = ScalarType.Float32 }, expected);
        double imageDiff = MaxAbsDiff(image, expected["image_features"]), textDiff = MaxAbsDiff(text, expected["text_features"]);
        double logitDiff = MaxAbsDiff(logits, expected["logits_per_image"]);
        yield return new DoctorCheck("fixture parity fp32",
            $"max |Δ| vs PyTorch ≤ {FeatureTolerance:g} (features), ≤ {LogitTolerance:g} (logits)",
            $"image {imageDiff:0.0e+0}, text {textDiff:0.0e+0}, logits {logitDiff:0.0e+0}",
            imageDiff <= FeatureTolerance && textDiff <= FeatureTolerance && logitDiff <= LogitTolerance);
        if (target.DType == ScalarType.Float32) yield break;

        var (halfImage, halfText, _) = Encode(model, target, expected);
        double imageCos = MinCosine(halfImage, expected["image_features"]), textCos = MinCosine(halfText, expected["text_features"]);
        yield return new DoctorCheck($"fixture parity {PrecisionSelection.Name(target.DType)}",
            $"feature cosine vs PyTorch fp32 ≥ {HalfCosine}",
            $"image {imageCos:0.0000}, text {textCos:0.0000} (lowest)",
            imageCos >= HalfCosine && textCos >= HalfCosine);
    }

    /// <summary>The fixture's inputs through a fresh load of the model placed on <paramref name="target"/>; outputs back on the CPU in fp32.</summary>
    private static (Tensor Image, Tensor Text, Tensor Logits) Encode(string modelPath, ComputeTarget target, IReadOnlyDictionary<string, Tensor> expected)
    {
        using var model = ClipCheckpoint.Load(modelPath);
        ModelPlacement.Place(model, target);
        // cuDNN runs fp32 convolutions (the patch embedding) in TF32 by default on Ampere and newer, which alone misses the
        // 1e-4 tolerance; the reference is true fp32, so the check is too, and the setting is put back after.
        bool cuda = target.Device.type == TorchSharp.DeviceType.CUDA, tf32 = cuda && backends.cudnn.allow_tf32;
        if (cuda) backends.cudnn.allow_tf32 = false;
        try
        {
            return EncodeOn(model, target, expected);
        }
        finally
        {
            if (cuda) backends.cudnn.allow_tf32 = tf32;
        }
    }

    private static (Tensor Image, Tensor Text, Tensor Logits) EncodeOn(ClipModel model, ComputeTarget target, IReadOnlyDictionary<string, Tensor> expected)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var image = model.EncodeImage(expected["pixels"].to(target.Device));
        var text = model.EncodeText(expected["tokens"].to(target.Device));
        var logits = model.Logits(image, text);
        return (image.cpu().MoveToOuterDisposeScope(), text.cpu().MoveToOuterDisposeScope(), logits.cpu().MoveToOuterDisposeScope());
    }

    private static double MaxAbsDiff(Tensor a, Tensor b)
    {
        using var diff = (a - b).abs().max();
        return diff.item<float>();
    }

    private static double MinCosine(Tensor a, Tensor b)
    {
        using var cosine = nn.functional.cosine_similarity(a, b, dim: 1).min();
        return cosine.item<float>();
    }
}
