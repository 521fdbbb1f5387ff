using System.Text.Json;
using BlockLora.Imaging;
using BlockLora.IO;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace BlockLora.Tests.Imaging;

public sealed class ClipImageTransformTests(ITestOutputHelper output)
{
    private static (string[] Images, int Resolution) ReadCases()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(ImagingTestFiles.Fixture("cases.json")));
        string[] images = json.RootElement.GetProperty("images").EnumerateArray().Select(e => e.GetString()!).ToArray();
        return (images, json.RootElement.GetProperty("resolution").GetInt32());
    }

    private static float[] ExpectedPixels(int index, int resolution)
    {
        var contents = SafeTensorsFile.Load(ImagingTestFiles.Fixture("expected.safetensors"));
        try
        {
            Tensor pixels = contents.Tensors["pixels"];
            Assert.Equal(new long[] { 4, 3, resolution, resolution }, pixels.shape);
            using Tensor one = pixels[index].contiguous();
            return one.data<float>().ToArray();
        }
        finally
        {
            foreach (Tensor t in contents.Tensors.Values) t.Dispose();
        }
    }

    private static float[] Preprocess(string image, int resolution)
    {
        using Tensor actual = new ClipImageTransform(resolution).Load(ImagingTestFiles.Fixture(image));
        Assert.Equal(ScalarType.Float32, actual.dtype);
        Assert.Equal(new long[] { 3, resolution, resolution }, actual.shape);
        return actual.data<float>().ToArray();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Exact_images_match_reference(int index)
    {
        var (images, resolution) = ReadCases();
        Assert.Equal($"exact_{index}.png", images[index]);
        float[] expected = ExpectedPixels(index, resolution);
        float[] actual = Preprocess(images[index], resolution);
        double maxAbs = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        output.WriteLine($"{images[index]}: max abs difference {maxAbs:E3}");
        Assert.True(maxAbs <= 1e-5, $"max abs difference {maxAbs}");
    }

    [Fact]
    public void Real_image_matches_PIL_bicubic_reference()
    {
        var (images, resolution) = ReadCases();
        Assert.Equal("real_CLIP.png", images[3]);
        float[] expected = ExpectedPixels(3, resolution);
        float[] actual = Preprocess(images[3], resolution);
        double[] diff = expected.Zip(actual, (e, a) => (double)Math.Abs(e - a)).ToArray();
        // Differences in units of one 8-bit level after normalisation (1 / 255 / std ≈ 0.0146).
        int offByMoreThanHalfLevel = diff.Count(d => d > 0.5 / 255 / 0.2613);
        output.WriteLine($"real_CLIP.png: mean abs {diff.Average():E3}, max abs {diff.Max():E3}, values off by > half a level: {offByMoreThanHalfLevel} of {diff.Length}");
        Assert.True(diff.Average() <= 0.02, $"mean abs difference {diff.Average()}");
    }

    [Fact]
    public void Reference_resizes_RGBA_premultiplied_before_dropping_alpha()
    {
        // OpenAI's transform resizes the RGBA image (PIL premultiplies for that) and converts to RGB
        // afterwards; converting first, as HF's processor does, is visibly different at alpha edges.
        var (_, resolution) = ReadCases();
        float[] expected = ExpectedPixels(3, resolution);
        RgbImage decoded = ImageDecoder.Decode(ImagingTestFiles.Fixture("real_CLIP.png"));
        Assert.True(decoded.HasAlpha);
        var convertedFirst = new float[expected.Length];
        new ClipImageTransform(resolution).Write(decoded.WithoutAlpha(), convertedFirst);
        double mean = expected.Zip(convertedFirst, (e, a) => (double)Math.Abs(e - a)).Average();
        output.WriteLine($"real_CLIP.png converted to RGB before resizing: mean abs {mean:E3}");
        Assert.True(mean > 0.1, $"mean abs difference {mean}");
    }

    [Theory]
    [InlineData(2162, 762, 32, 90, 32)]
    [InlineData(762, 2162, 32, 32, 90)]
    [InlineData(640, 480, 224, 298, 224)]
    [InlineData(32, 32, 32, 32, 32)]
    [InlineData(1, 1000, 7, 7, 7000)]
    public void Resized_size_truncates_long_side_like_torchvision(int w, int h, int r, int expectedW, int expectedH)
    {
        Assert.Equal((expectedW, expectedH), ClipImageTransform.ResizedSize(w, h, r));
    }

    [Theory]
    [InlineData(90, 32, 32, 29, 0)]  // 58 / 2 = 29
    [InlineData(33, 32, 32, 0, 0)]   // round(0.5) = 0 (half to even)
    [InlineData(35, 32, 32, 2, 0)]   // round(1.5) = 2
    [InlineData(32, 37, 32, 0, 2)]   // round(2.5) = 2
    public void Center_crop_rounds_half_to_even_like_Python(int w, int h, int size, int left, int top)
    {
        Assert.Equal(new PixelBox(left, top, size, size), ClipImageTransform.CenterCropBox(w, h, size));
    }

    [Fact]
    public void Batch_keeps_input_order_and_matches_single_images()
    {
        var (images, resolution) = ReadCases();
        string[] paths = [.. images.Select(ImagingTestFiles.Fixture).Reverse(), ImagingTestFiles.Fixture(images[0])];
        using Tensor batch = ClipImageTransform.LoadBatch(paths, resolution, maxParallelism: 2);
        Assert.Equal(ScalarType.Float32, batch.dtype);
        Assert.Equal(new long[] { paths.Length, 3, resolution, resolution }, batch.shape);
        var transform = new ClipImageTransform(resolution);
        for (int i = 0; i < paths.Length; i++)
        {
            using var scope = NewDisposeScope();
            Tensor single = transform.Load(paths[i]);
            Assert.True(batch[i].eq(single).all().item<bool>(), $"batch item {i} differs from {paths[i]} loaded alone");
        }
    }

    [Fact]
    public void Batch_reports_the_first_failing_file()
    {
        using var files = new ImagingTestFiles();
        string bad1 = files.Write("bad1.png", "not a png"u8.ToArray());
        string bad2 = Path.Combine(files.Directory, "missing.jpg");
        string good = ImagingTestFiles.Fixture("exact_0.png");
        string[] paths = [good, good, bad1, good, bad2, good];
        var e = Assert.Throws<ImageDecodeException>(() => ClipImageTransform.LoadBatch(paths, 32, maxParallelism: 2));
        Assert.Equal(bad1, e.Path);
        Assert.Contains(bad1, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Windowed_resize_equals_full_resize_then_crop()
    {
        var rng = new Random(7);
        var pixels = new byte[3 * 53 * 29];
        rng.NextBytes(pixels);
        var image = new RgbImage(53, 29, pixels);
        foreach (var (outW, outH) in new[] { (17, 11), (80, 40), (53, 13), (20, 29), (200, 7) })
        {
            RgbImage full = PilBicubicResampler.Resize(image, outW, outH);
            var window = new PixelBox(outW / 3, outH / 4, outW - (outW / 3), outH / 2 + 1);
            RgbImage part = PilBicubicResampler.Resize(image, PixelBox.Of(image), outW, outH, window);
            for (int y = 0; y < window.Height; y++)
                for (int x = 0; x < window.Width; x++)
                    for (int c = 0; c < 3; c++)
                        Assert.Equal(full[window.X + x, window.Y + y, c], part[x, y, c]);
        }
    }

    [Fact]
    public void Resize_keeps_flat_colour_and_same_size_is_a_copy()
    {
        var flat = new RgbImage(40, 30, Enumerable.Repeat(new byte[] { 250, 3, 128 }, 40 * 30).SelectMany(p => p).ToArray());
        RgbImage small = PilBicubicResampler.Resize(flat, 7, 5);
        RgbImage large = PilBicubicResampler.Resize(flat, 97, 61);
        foreach (RgbImage r in new[] { small, large })
            for (int i = 0; i < r.Pixels.Length; i += 3)
                Assert.Equal(new byte[] { 250, 3, 128 }, r.Pixels.Slice(i, 3).ToArray());

        var rng = new Random(3);
        var noise = new byte[3 * 12 * 9];
        rng.NextBytes(noise);
        var image = new RgbImage(12, 9, noise);
        Assert.Equal(noise, PilBicubicResampler.Resize(image, 12, 9).Pixels.ToArray());
    }
}
