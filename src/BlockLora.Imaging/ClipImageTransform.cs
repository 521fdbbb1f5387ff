namespace BlockLora.Imaging;

/// <summary>
/// CLIP's evaluation preprocessing, as OpenAI's <c>_transform(n_px)</c>: resize the shorter side to
/// n_px with PIL bicubic, centre-crop n_px x n_px, scale to [0, 1], normalise with the CLIP statistics.
/// Geometry follows torchvision exactly (truncated long side, banker's-rounded crop offsets). Plain arrays here; the
/// core adds the tensor side (<c>Apply</c>, <c>Load</c>, <c>LoadBatch</c>) as extension members.
/// </summary>
public sealed class ClipImageTransform
{
    public ClipImageTransform(int resolution)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(resolution);
        Resolution = resolution;
    }

    public int Resolution { get; }

    /// <summary>torchvision's <c>Resize(int)</c> output size: short side = resolution, long side truncated.</summary>
    public static (int Width, int Height) ResizedSize(int width, int height, int resolution)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(resolution);
        bool portrait = width <= height;
        long shortSide = portrait ? width : height;
        long longSide = portrait ? height : width;
        // Python's int(size * long / short): exact product, correctly rounded division, truncation.
        double scaledLong = Math.Truncate((double)(resolution * longSide) / shortSide);
        if (scaledLong > int.MaxValue)
            throw new ArgumentException($"a {width} x {height} image resized to short side {resolution} would have a long side of {scaledLong} pixels");
        int newLong = (int)scaledLong;
        return portrait ? (resolution, newLong) : (newLong, resolution);
    }

    /// <summary>torchvision's <c>CenterCrop</c> box; Python's round() rounds halves to even, as Math.Round does.</summary>
    public static PixelBox CenterCropBox(int width, int height, int size)
    {
        int top = (int)Math.Round((height - size) / 2.0);
        int left = (int)Math.Round((width - size) / 2.0);
        return new PixelBox(left, top, size, size);
    }

    /// <summary>The resized-and-cropped RGB image, before normalisation.</summary>
    public RgbImage ResizeAndCrop(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var (width, height) = ResizedSize(image.Width, image.Height, Resolution);
        return PilBicubicResampler.Resize(image, PixelBox.Of(image), width, height, CenterCropBox(width, height, Resolution));
    }

    /// <summary>Writes the preprocessed image as [3, R, R] floats into <paramref name="destination"/>.</summary>
    public void Write(RgbImage image, Span<float> destination) =>
        ClipNormalization.WriteChannelMajor(ResizeAndCrop(image), destination);
}
