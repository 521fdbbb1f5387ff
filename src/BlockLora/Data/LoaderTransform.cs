using BlockLora.Imaging;

namespace BlockLora.Data;

/// <summary>
/// What the loader does to each decoded image: CLIP's evaluation preprocessing, or the training
/// augmentation. Both write [3, R, R] floats into a slot of the batch buffer, and must be safe to call
/// from several threads at once (the two wrapped Imaging types are: they hold only settings).
/// </summary>
public abstract class LoaderTransform
{
    private protected LoaderTransform(int resolution) => Resolution = resolution;

    public int Resolution { get; }

    /// <summary>Writes one sample. <paramref name="random"/> is private to this item; transforms without randomness ignore it.</summary>
    public abstract void Write(RgbImage image, Random random, Span<float> destination);

    /// <summary>Resize the short side, centre crop, normalise (CLIP's test-time transform).</summary>
    public static LoaderTransform Eval(int resolution) => new EvalTransform(new ClipImageTransform(resolution));

    public static LoaderTransform Eval(ClipImageTransform transform) => new EvalTransform(transform);

    /// <summary>RandomResizedCrop + horizontal flip + normalise (CLIP-LoRA's train transform with default settings).</summary>
    public static LoaderTransform Train(int resolution) => new TrainTransform(new TrainAugmentation(resolution));

    public static LoaderTransform Train(TrainAugmentation augmentation) => new TrainTransform(augmentation);

    private sealed class EvalTransform(ClipImageTransform transform) : LoaderTransform(transform.Resolution)
    {
        public override void Write(RgbImage image, Random random, Span<float> destination) => transform.Write(image, destination);
    }

    private sealed class TrainTransform(TrainAugmentation augmentation) : LoaderTransform(augmentation.Resolution)
    {
        public override void Write(RgbImage image, Random random, Span<float> destination) => augmentation.Write(image, random, destination);
    }
}
