using BlockLora.Data;
using BlockLora.Tests;
using BlockLora.Workbook.Notebooks;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace BlockLora.Workbook.Tests.Notebooks;

/// <summary>The sample grid PNG carries each row's class name, drawn with the built-in pixel font.</summary>
public class SampleGridTests
{
    [Fact]
    public void Png_rows_are_labelled_with_their_class_names()
    {
        string dir = Fixtures.TempDir();
        string[] classes = ["sandal", "ankle_boot"];
        var items = new List<LabeledImage>();
        for (int c = 0; c < classes.Length; c++)
            for (int i = 0; i < 2; i++)
            {
                string path = Path.Combine(dir, $"{c}-{i}.png");
                using (var image = new Image<Rgb24>(28, 28, new Rgb24(200, 200, 200))) image.SaveAsPng(path);
                items.Add(new LabeledImage(path, c, classes[c]));
            }
        string png = SampleGrid.SavePng(items, classes, Path.Combine(dir, "grid.png"), perClass: 2, thumb: 32);

        using var grid = Image.Load<Rgb24>(png);
        Assert.Equal("1: ankle boot", SampleGrid.Label(1, "ankle_boot"));
        for (int c = 0; c < classes.Length; c++)
        {
            // The label's pixels, where SavePng draws them (pad 6, vertically centred on the row): black exactly where the font has a dot.
            var mask = PixelFont.Render(SampleGrid.Label(c, classes[c]), SampleGrid.LabelScale);
            int x0 = 6, y0 = 2 + c * (32 + 2) + (32 - mask.GetLength(0)) / 2;
            int dots = 0;
            for (int y = 0; y < mask.GetLength(0); y++)
                for (int x = 0; x < mask.GetLength(1); x++)
                {
                    var pixel = grid[x0 + x, y0 + y];
                    Assert.Equal(mask[y, x] ? new Rgb24(0, 0, 0) : new Rgb24(255, 255, 255), pixel);
                    if (mask[y, x]) dots++;
                }
            Assert.True(dots > 20, $"row {c} label has {dots} dots");
        }
        // The two labels differ, so the text is the class name and not a fixed mark.
        Assert.NotEqual(PixelFont.Width(SampleGrid.Label(0, classes[0]), 1), PixelFont.Width(SampleGrid.Label(1, classes[1]), 1));
    }
}
