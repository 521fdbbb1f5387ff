namespace BlockLora.Imaging;

/// <summary>An integer rectangle in pixel coordinates: left, top, width, height.</summary>
public readonly record struct PixelBox(int X, int Y, int Width, int Height)
{
    public int Right => X + Width;

    public int Bottom => Y + Height;

    public static PixelBox Of(RgbImage image) => new(0, 0, image.Width, image.Height);

    internal void ThrowIfNotInside(int width, int height, string what)
    {
        if (Width <= 0 || Height <= 0 || X < 0 || Y < 0 || (long)X + Width > width || (long)Y + Height > height)
            throw new ArgumentOutOfRangeException(what, $"{this} does not lie inside {width} x {height}");
    }
}
