using BlockLora.Data;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.PixelFormats;

namespace BlockLora.Workbook.Bench;

/// <summary>
/// Photo-sized JPEGs (500×375, the typical size of the few-shot datasets' images) in a temporary folder,
/// for timing the loader without a dataset. Smooth gradients plus noise, so the JPEG decoder does real work.
/// Disposing deletes the folder.
/// </summary>
public sealed class SyntheticJpegs : IDisposable
{
    private SyntheticJpegs(string directory, IReadOnlyList<LabeledImage> items)
    {
        Directory = directory;
        Items = items;
    }

    public string Directory { get; }
    public IReadOnlyList<LabeledImage> Items { get; }

    public static SyntheticJpegs Create(int count, int width = 500, int height = 375, int seed = 7)
    {
        string directory = Path.Combine(Path.GetTempPath(), $"blora-bench-{Environment.ProcessId}-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(directory);
        var random = new Random(seed);
        var items = new List<LabeledImage>(count);
        for (int i = 0; i < count; i++)
        {
            using var image = new Image<Rgb24>(width, height);
            double phase = random.NextDouble() * Math.PI;
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                {
                    int shade = (int)(127 + 100 * Math.Sin(phase + x * 0.02 + y * 0.013));
                    int noise = random.Next(-20, 21);
                    image[x, y] = new Rgb24(Clamp(shade + noise), Clamp(255 - shade + noise), Clamp((x + y + noise) & 255));
                }
            string path = Path.Combine(directory, $"{i:D4}.jpg");
            image.SaveAsJpeg(path, new JpegEncoder { Quality = 90 });
            items.Add(new LabeledImage(path, i % 2, $"class {i % 2}"));
        }
        return new SyntheticJpegs(directory, items);
    }

    private static byte Clamp(int v) => (byte)Math.Clamp(v, 0, 255);

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { }
    }
}
