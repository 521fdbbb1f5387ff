using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Metadata;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace BlockLora.Imaging;

/// <summary>
/// The one place images are decoded. Reads any format ImageSharp 2.1 knows, enforces size limits from
/// the header before allocating pixels, rejects truncated JPEG/PNG files, applies the EXIF orientation,
/// and returns 8-bit RGB with alpha dropped (not composited), grey replicated and palettes expanded,
/// which is what PIL's <c>Image.convert("RGB")</c> produces. Where PIL would hold an alpha band (RGBA,
/// LA) and some pixel is not opaque, the alpha plane rides along so resizing can premultiply as PIL
/// does. Every failure is an <see cref="ImageDecodeException"/>.
/// </summary>
public static class ImageDecoder
{
    // Multi-frame formats decode only their first frame, as PIL's Image.open does; decoding every frame
    // of an animation would make the header's pixel count meaningless as a memory bound.
    private static readonly Configuration DecodeConfiguration = CreateConfiguration();

    public static RgbImage Decode(string path, ImageDecoderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= ImageDecoderOptions.Default;
        byte[] data = ReadBounded(path, options);

        IImageInfo? info;
        IImageFormat? format;
        try
        {
            info = Image.Identify(DecodeConfiguration, data, out format);
        }
        catch (Exception e) when (IsDecoderFailure(e))
        {
            throw new ImageDecodeException(path, $"corrupt image header ({e.Message})", e);
        }
        if (info is null || format is null) throw new ImageDecodeException(path, "not an image (unrecognised format)");
        if (info.Width <= 0 || info.Height <= 0)
            throw new ImageDecodeException(path, $"corrupt {format.Name} (dimensions {info.Width} x {info.Height})");
        if ((long)info.Width * info.Height > options.MaxPixels)
            throw new ImageDecodeException(path, $"image too large ({info.Width} x {info.Height}, limit {options.MaxPixels} pixels)");

        string? structural = format == JpegFormat.Instance ? ContainerIntegrity.CheckJpeg(data)
            : format == PngFormat.Instance ? ContainerIntegrity.CheckPng(data)
            : null;
        if (structural is not null) throw new ImageDecodeException(path, structural);

        try
        {
            using Image<Rgba32> image = Image.Load<Rgba32>(DecodeConfiguration, data);
            image.Mutate(x => x.AutoOrient());
            return ToRgbImage(image, CanCarryAlpha(format, image.Metadata));
        }
        catch (Exception e) when (IsDecoderFailure(e))
        {
            throw new ImageDecodeException(path, $"corrupt {format.Name} ({e.Message})", e);
        }
    }

    /// <summary>
    /// Whether PIL would open the file in a mode with an alpha band (RGBA or LA). Transparency that PIL
    /// keeps outside the pixels (a PNG tRNS chunk on RGB, grey or palette data; GIF) does not count:
    /// PIL resizes those images without premultiplying, so their alpha must not reach the resampler.
    /// </summary>
    private static bool CanCarryAlpha(IImageFormat format, ImageMetadata metadata)
    {
        if (format == PngFormat.Instance)
            return metadata.GetPngMetadata().ColorType is PngColorType.RgbWithAlpha or PngColorType.GrayscaleWithAlpha;
        return format != JpegFormat.Instance && format != GifFormat.Instance;
    }

    private static RgbImage ToRgbImage(Image<Rgba32> image, bool canCarryAlpha)
    {
        int count = image.Width * image.Height;
        var rgba = new byte[4L * count];
        image.Frames.RootFrame.CopyPixelDataTo(rgba);
        var rgb = new byte[3L * count];
        var alpha = new byte[count];
        bool translucent = false;
        for (int i = 0; i < count; i++)
        {
            rgb[3 * i] = rgba[4 * i];
            rgb[(3 * i) + 1] = rgba[(4 * i) + 1];
            rgb[(3 * i) + 2] = rgba[(4 * i) + 2];
            alpha[i] = rgba[(4 * i) + 3];
            translucent |= alpha[i] != 255;
        }
        // A fully opaque alpha band changes nothing in PIL's premultiplied resize, so it is not kept.
        return new RgbImage(image.Width, image.Height, rgb, canCarryAlpha && translucent ? alpha : null);
    }

    private static byte[] ReadBounded(string path, ImageDecoderOptions options)
    {
        try
        {
            if (Directory.Exists(path)) throw new ImageDecodeException(path, "is a directory, not an image file");
            var file = new FileInfo(path);
            if (!file.Exists) throw new ImageDecodeException(path, "file not found");
            if (file.Length == 0) throw new ImageDecodeException(path, "empty file");
            if (file.Length > options.MaxFileBytes)
                throw new ImageDecodeException(path, $"file too large ({file.Length} bytes, limit {options.MaxFileBytes})");
            byte[] data = File.ReadAllBytes(path);
            // The file may have grown between the size check and the read.
            if (data.LongLength > options.MaxFileBytes)
                throw new ImageDecodeException(path, $"file too large ({data.LongLength} bytes, limit {options.MaxFileBytes})");
            return data;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImageDecodeException(path, e is FileNotFoundException or DirectoryNotFoundException
                ? "file not found"
                : $"cannot read file ({e.Message})", e);
        }
    }

    // ImageSharp 2.1 reports malformed input through its own exception types but, for some inputs, also
    // through plain runtime exceptions from inside the codecs; all of them mean "this file is bad".
    private static bool IsDecoderFailure(Exception e) =>
        e is not (OutOfMemoryException or ImageDecodeException or OperationCanceledException);

    private static Configuration CreateConfiguration()
    {
        var configuration = Configuration.Default.Clone();
        configuration.ImageFormatsManager.SetDecoder(GifFormat.Instance, new GifDecoder { DecodingMode = FrameDecodingMode.First });
        configuration.ImageFormatsManager.SetDecoder(TiffFormat.Instance, new TiffDecoder { DecodingMode = FrameDecodingMode.First });
        return configuration;
    }
}
