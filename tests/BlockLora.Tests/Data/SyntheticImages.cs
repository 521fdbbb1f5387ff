using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace BlockLora.Tests.Data;

/// <summary>
/// Small real image files whose content depends on the class (hue, and where a bright block sits) and,
/// less, on the individual image (noise), so a classifier trained on them has something to learn.
/// </summary>
public static class SyntheticImages
{
    public const int Width = 48;
    public const int Height = 40;

    /// <summary>Writes a JPEG or PNG, chosen by the file extension.</summary>
    public static void Write(string path, int classIndex, int classCount, int imageSeed)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        var random = new Random(imageSeed);
        var (r, g, b) = Hue(classIndex / (double)Math.Max(classCount, 1));
        // The block's corner moves with the class, so shape carries class information as well as colour.
        int blockX = (classIndex * 11) % (Width - 16);
        int blockY = (classIndex * 7) % (Height - 16);
        using var image = new Image<Rgb24>(Width, Height);
        for (int y = 0; y < Height; y++)
        {
            for (int x = 0; x < Width; x++)
            {
                double shade = 0.35 + (0.5 * x / Width);
                bool inBlock = x >= blockX && x < blockX + 16 && y >= blockY && y < blockY + 16;
                double boost = inBlock ? 1.6 : 1.0;
                int noise = random.Next(-12, 13);
                image[x, y] = new Rgb24(Channel(r * shade * boost, noise), Channel(g * shade * boost, noise), Channel(b * shade * boost, noise));
            }
        }
        string extension = System.IO.Path.GetExtension(path).ToLowerInvariant();
        if (extension == ".png") image.SaveAsPng(path, new PngEncoder());
        else image.SaveAsJpeg(path, new JpegEncoder { Quality = 90 });
    }

    private static byte Channel(double value, int noise) => (byte)Math.Clamp((int)Math.Round((value * 255) + noise), 0, 255);

    private static (double R, double G, double B) Hue(double h)
    {
        double k(double n) => (n + (h * 6)) % 6;
        double f(double n) => 1 - Math.Max(0, Math.Min(k(n), Math.Min(4 - k(n), 1)));
        return (f(5), f(3), f(1));
    }
}
