using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace BlockLora.Tests;

/// <summary>
/// Small real image files whose content depends on the class (hue and shape or pattern) and, less, on the image
/// (position, size, noise), so a classifier trained on a few of them has something to learn and something to
/// generalise over. Deterministic: the same arguments give the same bytes.
/// </summary>
public static class SmokeImages
{
    public static readonly string[] ShapeNames = ["circle", "square", "triangle", "diamond", "cross", "ring"];
    public static readonly string[] TextureNames = ["horizontal_stripes", "vertical_stripes", "diagonal_stripes", "checks", "dots", "rings"];
    private static readonly string[] HueNames =
        ["red", "orange", "yellow", "lime", "green", "teal", "cyan", "azure", "blue", "violet", "magenta", "pink"];

    /// <summary>The default class names of a style: colour and shape (or pattern), e.g. <c>red_circle</c>; unique for up to 36 classes.</summary>
    public static IReadOnlyList<string> DefaultClassNames(int classes, SmokeImageStyle style)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classes);
        var names = new List<string>();
        for (int c = 0; c < classes; c++)
        {
            string color = HueNames[(int)Math.Round(Hue(c, classes) * HueNames.Length) % HueNames.Length];
            string kind = style == SmokeImageStyle.Textures ? TextureNames[c % TextureNames.Length] : ShapeNames[c % ShapeNames.Length];
            string name = $"{color}_{kind}";
            names.Add(names.Contains(name) ? $"{name}_{c}" : name);
        }
        return names;
    }

    /// <summary>Writes a JPEG or PNG (chosen by the extension) of <paramref name="size"/>² pixels.</summary>
    public static void Write(string path, SmokeImageStyle style, int classIndex, int classCount, int imageSeed, int size = 64)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 16);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var image = Render(style, classIndex, classCount, imageSeed, size);
        if (Path.GetExtension(path).Equals(".png", StringComparison.OrdinalIgnoreCase)) image.SaveAsPng(path, new PngEncoder());
        else image.SaveAsJpeg(path, new JpegEncoder { Quality = 90 });
    }

    /// <summary>The image itself (callers dispose it).</summary>
    public static Image<Rgb24> Render(SmokeImageStyle style, int classIndex, int classCount, int imageSeed, int size = 64)
    {
        var random = new Random(imageSeed);
        var (r, g, b) = Rgb(Hue(classIndex, classCount));
        // Where and how large the shape is varies per image, within limits that keep it inside the frame.
        double radius = size * (0.26 + (0.08 * random.NextDouble()));
        double cx = (size / 2.0) + ((random.NextDouble() - 0.5) * size * 0.2);
        double cy = (size / 2.0) + ((random.NextDouble() - 0.5) * size * 0.2);
        double period = size / (5.0 + (2 * random.NextDouble()));
        double phase = random.NextDouble() * period;
        int shape = classIndex % ShapeNames.Length;
        var image = new Image<Rgb24>(size, size);
        for (int y = 0; y < size; y++)
        {
            for (int x = 0; x < size; x++)
            {
                int noise = random.Next(-12, 13);
                double dx = (x + 0.5 - cx) / radius, dy = (y + 0.5 - cy) / radius;
                (double R, double G, double B) c = style switch
                {
                    SmokeImageStyle.Shapes => Inside(shape, dx, dy)
                        ? (Math.Min(1, (r * 0.9) + 0.1), Math.Min(1, (g * 0.9) + 0.1), Math.Min(1, (b * 0.9) + 0.1))
                        : Shade(r, g, b, 0.18 + (0.25 * x / size)),
                    SmokeImageStyle.Outlines => OnEdge(shape, dx, dy, 2.2 / radius)
                        ? (0.12 + (0.25 * r), 0.12 + (0.25 * g), 0.12 + (0.25 * b))
                        : (0.93, 0.93, 0.9),
                    SmokeImageStyle.Textures => Pattern(classIndex % TextureNames.Length, x, y, period, phase, size)
                        ? Shade(r, g, b, 0.85)
                        : Shade(r, g, b, 0.25),
                    _ => throw new ArgumentOutOfRangeException(nameof(style), style, "unknown style"),
                };
                image[x, y] = new Rgb24(Channel(c.R, noise), Channel(c.G, noise), Channel(c.B, noise));
            }
        }
        return image;
    }

    private static double Hue(int classIndex, int classCount) => classIndex / (double)Math.Max(classCount, 1);

    private static (double, double, double) Shade(double r, double g, double b, double v) => (r * v, g * v, b * v);

    private static bool Inside(int shape, double dx, double dy)
    {
        double ax = Math.Abs(dx), ay = Math.Abs(dy), d = Math.Sqrt((dx * dx) + (dy * dy));
        return shape switch
        {
            0 => d <= 1,
            1 => ax <= 0.85 && ay <= 0.85,
            2 => dy <= 0.8 && dy >= -1 && ax <= (dy + 1) / 1.8 * 1.0,
            3 => ax + ay <= 1.1,
            4 => (ax <= 0.3 && ay <= 1) || (ay <= 0.3 && ax <= 1),
            _ => d <= 1 && d >= 0.55,
        };
    }

    private static bool OnEdge(int shape, double dx, double dy, double width)
    {
        // A pixel is on the outline when the shape changes within a small ring around it.
        bool inside = Inside(shape, dx, dy);
        for (int k = 0; k < 8; k++)
        {
            double a = k * Math.PI / 4;
            if (Inside(shape, dx + (width * Math.Cos(a)), dy + (width * Math.Sin(a))) != inside) return true;
        }
        return false;
    }

    private static bool Pattern(int pattern, int x, int y, double period, double phase, int size) => pattern switch
    {
        0 => Stripe(y + phase, period),
        1 => Stripe(x + phase, period),
        2 => Stripe((x + y + phase) / Math.Sqrt(2), period),
        3 => Stripe(x + phase, period) ^ Stripe(y + phase, period),
        4 => Dot(x + phase, y + phase, period),
        _ => Stripe(Math.Sqrt(((x - (size / 2.0)) * (x - (size / 2.0))) + ((y - (size / 2.0)) * (y - (size / 2.0)))) + phase, period),
    };

    private static bool Stripe(double t, double period) => ((t % period) + period) % period < period / 2;

    private static bool Dot(double x, double y, double period)
    {
        double fx = (((x % period) + period) % period) - (period / 2), fy = (((y % period) + period) % period) - (period / 2);
        return (fx * fx) + (fy * fy) <= period * period / 9;
    }

    private static byte Channel(double value, int noise) => (byte)Math.Clamp((int)Math.Round((value * 255) + noise), 0, 255);

    private static (double R, double G, double B) Rgb(double h)
    {
        double K(double n) => (n + (h * 6)) % 6;
        double F(double n) => 1 - Math.Max(0, Math.Min(K(n), Math.Min(4 - K(n), 1)));
        return (F(5), F(3), F(1));
    }
}
