using BlockLora.Imaging;
using static TorchSharp.torch;

namespace BlockLora.Tests.Imaging;

public sealed class TrainAugmentationTests
{
    private static RgbImage Noise(int width, int height, int seed)
    {
        var pixels = new byte[3 * width * height];
        new Random(seed).NextBytes(pixels);
        return new RgbImage(width, height, pixels);
    }

    [Fact]
    public void Fixed_seed_reproduces_the_same_sample()
    {
        RgbImage image = ImageDecoder.Decode(ImagingTestFiles.Fixture("real_CLIP.png"));
        var augmentation = new TrainAugmentation(32);
        using var scope = NewDisposeScope();
        Tensor first = augmentation.Apply(image, new Random(1234));
        Tensor again = augmentation.Apply(image, new Random(1234));
        Tensor other = augmentation.Apply(image, new Random(99));
        Assert.Equal(ScalarType.Float32, first.dtype);
        Assert.Equal(new long[] { 3, 32, 32 }, first.shape);
        Assert.True(first.eq(again).all().item<bool>());
        Assert.False(first.eq(other).all().item<bool>());
    }

    [Fact]
    public void Sampled_crops_stay_inside_the_image_and_within_the_ratio_range()
    {
        var augmentation = new TrainAugmentation(224);
        var random = new Random(5);
        foreach (var (w, h) in new[] { (640, 480), (100, 1000), (3000, 20), (7, 7) })
        {
            for (int i = 0; i < 200; i++)
            {
                PixelBox box = augmentation.SampleCrop(w, h, random);
                Assert.True(box.X >= 0 && box.Y >= 0 && box.Width > 0 && box.Height > 0 && box.Right <= w && box.Bottom <= h, $"{box} outside {w} x {h}");
            }
        }
    }

    [Fact]
    public void Impossible_aspect_falls_back_to_clamped_centre_crop()
    {
        // A 3000 x 20 strip never fits a crop with ratio <= 4/3 and area >= 8%, so all ten attempts
        // fail and torchvision's fallback takes the full height with width round(20 * 4/3) = 27.
        var augmentation = new TrainAugmentation(32);
        PixelBox box = augmentation.SampleCrop(3000, 20, new Random(0));
        Assert.Equal(new PixelBox((3000 - 27) / 2, 0, 27, 20), box);
    }

    [Fact]
    public void Flip_mirrors_the_resized_crop()
    {
        RgbImage image = Noise(50, 40, 8);
        var always = new TrainAugmentation(16, minScale: 1.0, maxScale: 1.0, minRatio: 1.25, maxRatio: 1.25, flipProbability: 1.0);
        var never = new TrainAugmentation(16, minScale: 1.0, maxScale: 1.0, minRatio: 1.25, maxRatio: 1.25, flipProbability: 0.0);
        using var scope = NewDisposeScope();
        Tensor flipped = always.Apply(image, new Random(3));
        Tensor plain = never.Apply(image, new Random(3));
        Assert.True(flipped.eq(plain.flip(2)).all().item<bool>());

        // Whole-image crop resized to 16 x 16 is the same resample the eval path does, without its crop.
        var expected = new float[3 * 16 * 16];
        ClipNormalization.WriteChannelMajor(PilBicubicResampler.Resize(image, 16, 16), expected);
        Assert.Equal(expected, plain.data<float>().ToArray());
    }

    [Fact]
    public void Batch_is_deterministic_for_a_seed_whatever_the_parallelism()
    {
        string[] paths = ["exact_0.png", "real_CLIP.png", "exact_1.png", "exact_2.png", "real_CLIP.png"];
        paths = paths.Select(ImagingTestFiles.Fixture).ToArray();
        var augmentation = new TrainAugmentation(32);
        using var scope = NewDisposeScope();
        Tensor serial = augmentation.LoadBatch(paths, new Random(42), maxParallelism: 1);
        Tensor parallel = augmentation.LoadBatch(paths, new Random(42), maxParallelism: 2);
        Assert.Equal(new long[] { paths.Length, 3, 32, 32 }, serial.shape);
        Assert.True(serial.eq(parallel).all().item<bool>());
        Assert.False(serial[1].eq(serial[4]).all().item<bool>(), "two draws from the same file should differ");
    }
}
