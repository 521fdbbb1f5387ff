using BlockLora.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;

namespace BlockLora.Tests.Imaging;

public sealed class ImageDecoderTests : IDisposable
{
    private readonly ImagingTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static ImageDecodeException AssertFails(string path, string problem, ImageDecoderOptions? options = null)
    {
        var e = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(path, options));
        Assert.Equal(path, e.Path);
        Assert.StartsWith($"{path}: ", e.Message);
        Assert.Contains(problem, e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.DoesNotContain('\r', e.Message);
        return e;
    }

    private static byte[] NoisyJpeg(int width, int height, int quality = 90)
    {
        var rng = new Random(11);
        using var image = new Image<Rgb24>(width, height);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                image[x, y] = new Rgb24((byte)rng.Next(256), (byte)(x * 4), (byte)(y * 4));
        using var stream = new MemoryStream();
        image.SaveAsJpeg(stream, new JpegEncoder { Quality = quality });
        return stream.ToArray();
    }

    [Fact]
    public void Missing_file_is_reported()
    {
        AssertFails(Path.Combine(_files.Directory, "nope.png"), "file not found");
    }

    [Fact]
    public void Text_file_named_PNG_is_not_an_image()
    {
        string path = _files.Write("notes.png", "this is just some text, not a picture\n"u8.ToArray());
        AssertFails(path, "not an image (unrecognised format)");
    }

    [Fact]
    public void Empty_file_is_reported()
    {
        AssertFails(_files.Write("empty.jpg", []), "empty file");
    }

    [Fact]
    public void Truncated_PNG_is_reported()
    {
        byte[] png = File.ReadAllBytes(ImagingTestFiles.Fixture("real_CLIP.png"));
        string path = _files.Write("half.png", png[..(png.Length / 2)]);
        AssertFails(path, "truncated PNG");
    }

    [Fact]
    public void Truncated_JPEG_is_reported()
    {
        byte[] jpeg = NoisyJpeg(64, 48);
        RgbImage whole = ImageDecoder.Decode(_files.Write("whole.jpg", jpeg));
        Assert.Equal((64, 48), (whole.Width, whole.Height));
        string path = _files.Write("half.jpg", jpeg[..(jpeg.Length / 2)]);
        AssertFails(path, "truncated JPEG");
    }

    [Fact]
    public void JPEG_with_bytes_after_EOI_is_accepted()
    {
        byte[] jpeg = [.. NoisyJpeg(16, 16), .. new byte[64], .. "trailer"u8.ToArray()];
        RgbImage image = ImageDecoder.Decode(_files.Write("trailer.jpg", jpeg));
        Assert.Equal((16, 16), (image.Width, image.Height));
    }

    [Fact]
    public void Oversized_dimensions_are_rejected_before_decoding()
    {
        var options = new ImageDecoderOptions(MaxPixels: 1000);
        AssertFails(ImagingTestFiles.Fixture("exact_0.png"), "image too large (32 x 32", options);
    }

    [Fact]
    public void Oversized_file_is_rejected_before_reading()
    {
        var options = new ImageDecoderOptions(MaxFileBytes: 100);
        AssertFails(ImagingTestFiles.Fixture("exact_0.png"), "file too large", options);
    }

    [Fact]
    public void EXIF_orientation_six_rotates_clockwise()
    {
        // Stored 64 x 32: top half red, bottom half blue. Orientation 6 means "rotate 90° clockwise to
        // display", so the displayed 32 x 64 image has blue on the left and red on the right.
        using var stored = new Image<Rgb24>(64, 32);
        for (int y = 0; y < 32; y++)
            for (int x = 0; x < 64; x++)
                stored[x, y] = y < 16 ? new Rgb24(255, 0, 0) : new Rgb24(0, 0, 255);
        stored.Metadata.ExifProfile = new ExifProfile();
        stored.Metadata.ExifProfile.SetValue(ExifTag.Orientation, (ushort)6);
        using var stream = new MemoryStream();
        stored.SaveAsJpeg(stream, new JpegEncoder { Quality = 95 });

        RgbImage image = ImageDecoder.Decode(_files.Write("rotated.jpg", stream.ToArray()));
        Assert.Equal((32, 64), (image.Width, image.Height));
        Assert.True(image[4, 32, 2] > 200 && image[4, 32, 0] < 60, "left side should be blue");
        Assert.True(image[28, 32, 0] > 200 && image[28, 32, 2] < 60, "right side should be red");
    }

    [Fact]
    public void Greyscale_PNG_replicates_into_three_channels()
    {
        byte[][] rows = [[0, 1, 2, 3], [100, 128, 200, 255]];
        RgbImage image = ImageDecoder.Decode(_files.Write("grey.png", RawPng.Encode(4, 2, RawPng.Grey, rows)));
        Assert.False(image.HasAlpha);
        for (int y = 0; y < 2; y++)
            for (int x = 0; x < 4; x++)
                for (int c = 0; c < 3; c++)
                    Assert.Equal(rows[y][x], image[x, y, c]);
    }

    [Fact]
    public void Palette_PNG_expands_colours_and_ignores_transparency()
    {
        byte[] palette = [10, 20, 30, 200, 100, 0, 255, 255, 255];
        byte[] transparency = [0, 128]; // entry 0 fully transparent, 1 half: PIL's convert("RGB") ignores both
        byte[][] rows = [[0, 1, 2], [2, 1, 0]];
        RgbImage image = ImageDecoder.Decode(_files.Write("palette.png", RawPng.Encode(3, 2, RawPng.Palette, rows, palette, transparency)));
        Assert.False(image.HasAlpha);
        for (int y = 0; y < 2; y++)
            for (int x = 0; x < 3; x++)
                for (int c = 0; c < 3; c++)
                    Assert.Equal(palette[(3 * rows[y][x]) + c], image[x, y, c]);
    }

    [Fact]
    public void RGBA_PNG_drops_alpha_without_compositing()
    {
        byte[][] rows = [[200, 10, 20, 0, 1, 2, 3, 128], [9, 8, 7, 255, 50, 60, 70, 1]];
        RgbImage image = ImageDecoder.Decode(_files.Write("rgba.png", RawPng.Encode(2, 2, RawPng.Rgba, rows)));
        Assert.True(image.HasAlpha);
        Assert.Equal(new byte[] { 200, 10, 20, 1, 2, 3, 9, 8, 7, 50, 60, 70 }, image.Pixels.ToArray());
        Assert.Equal(new byte[] { 0, 128, 255, 1 }, image.Alpha.ToArray());
    }

    [Fact]
    public void Opaque_RGBA_PNG_carries_no_alpha()
    {
        byte[][] rows = [[1, 2, 3, 255, 4, 5, 6, 255]];
        RgbImage image = ImageDecoder.Decode(_files.Write("opaque.png", RawPng.Encode(2, 1, RawPng.Rgba, rows)));
        Assert.False(image.HasAlpha);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6 }, image.Pixels.ToArray());
    }

    [Fact]
    public void Grey_alpha_PNG_replicates_grey_and_keeps_alpha()
    {
        byte[][] rows = [[77, 0, 180, 90]];
        RgbImage image = ImageDecoder.Decode(_files.Write("la.png", RawPng.Encode(2, 1, RawPng.GreyAlpha, rows)));
        Assert.Equal(new byte[] { 77, 77, 77, 180, 180, 180 }, image.Pixels.ToArray());
        Assert.Equal(new byte[] { 0, 90 }, image.Alpha.ToArray());
    }

    [Fact]
    public void RGB_PNG_with_transparency_chunk_carries_no_alpha()
    {
        // PIL keeps tRNS on an RGB image as metadata and resizes it as plain RGB, so must we.
        byte[][] rows = [[1, 2, 3, 4, 5, 6]];
        byte[] transparency = [0, 1, 0, 2, 0, 3];
        RgbImage image = ImageDecoder.Decode(_files.Write("trns.png", RawPng.Encode(2, 1, RawPng.Rgb, rows, transparency: transparency)));
        Assert.False(image.HasAlpha);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6 }, image.Pixels.ToArray());
    }

    [Fact]
    public void Fixtures_decode_at_their_header_size()
    {
        RgbImage exact = ImageDecoder.Decode(ImagingTestFiles.Fixture("exact_0.png"));
        Assert.Equal((32, 32), (exact.Width, exact.Height));
        Assert.False(exact.HasAlpha);
        RgbImage real = ImageDecoder.Decode(ImagingTestFiles.Fixture("real_CLIP.png"));
        Assert.Equal((2162, 762), (real.Width, real.Height));
    }
}
