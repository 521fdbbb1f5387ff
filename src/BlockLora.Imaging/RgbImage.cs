namespace BlockLora.Imaging;

/// <summary>
/// An 8-bit raster: RGB as PIL's <c>Image.convert("RGB")</c> would give it (rows top to bottom, three
/// interleaved bytes per pixel, alpha dropped rather than composited), plus the alpha plane when the
/// source had a real alpha channel. Alpha is kept only because it changes resampling: PIL resizes
/// RGBA images in premultiplied form, and OpenAI's CLIP preprocessing resizes before it converts to RGB.
/// Plain bytes rather than an ImageSharp image, so the resampler can reproduce PIL's integer arithmetic.
/// </summary>
public sealed class RgbImage
{
    private readonly byte[] _pixels;
    private readonly byte[]? _alpha;

    public RgbImage(int width, int height, byte[] pixels, byte[]? alpha = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentNullException.ThrowIfNull(pixels);
        if (pixels.LongLength != 3L * width * height)
            throw new ArgumentException($"expected {3L * width * height} bytes for {width} x {height} RGB, got {pixels.LongLength}", nameof(pixels));
        if (alpha is not null && alpha.LongLength != (long)width * height)
            throw new ArgumentException($"expected {(long)width * height} alpha bytes for {width} x {height}, got {alpha.LongLength}", nameof(alpha));
        Width = width;
        Height = height;
        _pixels = pixels;
        _alpha = alpha;
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>RGB bytes, alpha dropped.</summary>
    public ReadOnlySpan<byte> Pixels => _pixels;

    public bool HasAlpha => _alpha is not null;

    /// <summary>One byte per pixel, or empty when <see cref="HasAlpha"/> is false.</summary>
    public ReadOnlySpan<byte> Alpha => _alpha;

    public byte this[int x, int y, int channel] => _pixels[((long)y * Width + x) * 3 + channel];

    /// <summary>The same pixels without the alpha plane, i.e. exactly <c>convert("RGB")</c>.</summary>
    public RgbImage WithoutAlpha() => _alpha is null ? this : new RgbImage(Width, Height, _pixels);
}
