using TorchSharp;
using static TorchSharp.torch;

namespace BlockLora.Imaging;

/// <summary>
/// Training-time augmentation: torchvision's <c>RandomResizedCrop(R, scale, ratio, BICUBIC)</c>, then
/// <c>RandomHorizontalFlip(p)</c>, then CLIP normalisation. All randomness comes from the
/// <see cref="Random"/> passed in, so a fixed seed reproduces the same crops and flips.
/// </summary>
public sealed class TrainAugmentation
{
    private const int CropAttempts = 10;

    public TrainAugmentation(int resolution, double minScale = 0.08, double maxScale = 1.0,
        double minRatio = 3.0 / 4.0, double maxRatio = 4.0 / 3.0, double flipProbability = 0.5)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(resolution);
        if (!(minScale > 0 && minScale <= maxScale && maxScale <= 1.0))
            throw new ArgumentOutOfRangeException(nameof(minScale), $"scale range ({minScale}, {maxScale}) must satisfy 0 < min <= max <= 1");
        if (!(minRatio > 0 && minRatio <= maxRatio))
            throw new ArgumentOutOfRangeException(nameof(minRatio), $"ratio range ({minRatio}, {maxRatio}) must satisfy 0 < min <= max");
        if (!(flipProbability >= 0 && flipProbability <= 1))
            throw new ArgumentOutOfRangeException(nameof(flipProbability), $"{flipProbability} is not a probability");
        Resolution = resolution;
        MinScale = minScale;
        MaxScale = maxScale;
        MinRatio = minRatio;
        MaxRatio = maxRatio;
        FlipProbability = flipProbability;
    }

    public int Resolution { get; }

    public double MinScale { get; }

    public double MaxScale { get; }

    public double MinRatio { get; }

    public double MaxRatio { get; }

    public double FlipProbability { get; }

    /// <summary>
    /// torchvision's <c>RandomResizedCrop.get_params</c>: up to ten tries at a random area fraction and
    /// log-uniform aspect ratio that fits, otherwise a centre crop clamped to the ratio range.
    /// </summary>
    public PixelBox SampleCrop(int width, int height, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        double area = (double)width * height;
        double logMin = Math.Log(MinRatio), logMax = Math.Log(MaxRatio);
        for (int attempt = 0; attempt < CropAttempts; attempt++)
        {
            double targetArea = area * (MinScale + ((MaxScale - MinScale) * random.NextDouble()));
            double aspect = Math.Exp(logMin + ((logMax - logMin) * random.NextDouble()));
            int w = (int)Math.Round(Math.Sqrt(targetArea * aspect));
            int h = (int)Math.Round(Math.Sqrt(targetArea / aspect));
            if (w > 0 && w <= width && h > 0 && h <= height)
            {
                int top = random.Next(0, height - h + 1);
                int left = random.Next(0, width - w + 1);
                return new PixelBox(left, top, w, h);
            }
        }

        double inRatio = (double)width / height;
        int cropW = width, cropH = height;
        if (inRatio < MinRatio)
            cropH = (int)Math.Round(cropW / MinRatio);
        else if (inRatio > MaxRatio)
            cropW = (int)Math.Round(cropH * MaxRatio);
        return new PixelBox((width - cropW) / 2, (height - cropH) / 2, cropW, cropH);
    }

    /// <summary>Writes one augmented sample as [3, R, R] floats into <paramref name="destination"/>.</summary>
    public void Write(RgbImage image, Random random, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(image);
        PixelBox crop = SampleCrop(image.Width, image.Height, random);
        RgbImage resized = PilBicubicResampler.Resize(image, crop, Resolution, Resolution, new PixelBox(0, 0, Resolution, Resolution));
        bool flip = random.NextDouble() < FlipProbability;
        ClipNormalization.WriteChannelMajor(resized, destination, mirror: flip);
    }

    /// <summary>One augmented sample as a float32 tensor [3, R, R].</summary>
    public Tensor Apply(RgbImage image, Random random)
    {
        var data = new float[3 * Resolution * Resolution];
        Write(image, random, data);
        return torch.tensor(data, [3, Resolution, Resolution]);
    }

    /// <summary>
    /// Decodes and augments <paramref name="paths"/> in parallel into [N, 3, R, R]. One seed per item is
    /// drawn from <paramref name="random"/> up front, so the result does not depend on thread scheduling.
    /// </summary>
    public Tensor LoadBatch(IReadOnlyList<string> paths, Random random, int maxParallelism, ImageDecoderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(random);
        int[] seeds = new int[paths.Count];
        for (int i = 0; i < seeds.Length; i++) seeds[i] = random.Next();
        return ParallelImageBatch.Load(paths, Resolution, maxParallelism,
            (i, destination) => Write(ImageDecoder.Decode(paths[i], options), new Random(seeds[i]), destination));
    }
}
