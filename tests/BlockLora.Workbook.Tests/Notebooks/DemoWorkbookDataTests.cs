using BlockLora.Data;
using BlockLora.Tests;
using BlockLora.Workbook.Demo;
using BlockLora.Workbook.Notebooks;
using BlockLora.Workbook.Tests.Demo;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace BlockLora.Workbook.Tests.Notebooks;

/// <summary>The smoke profile's data: the demo tasks plus the seen-classes and colour-negative targets, from the installed Debian packages.</summary>
public class DemoWorkbookDataTests
{
    [Fact]
    public void Writes_four_readable_tasks_once_and_the_negatives_invert_the_held_out_images()
    {
        DemoPackages.RequireFashionMnist();
        DemoPackages.RequireDigits();
        string root = Fixtures.TempDir();
        Assert.True(DemoWorkbookData.Ensure(root));
        Assert.False(DemoWorkbookData.Ensure(root)); // complete and unchanged: not rewritten

        var read = DemoWorkbookData.Datasets.ToDictionary(d => d.Name, d => DatasetReader.Read(root, d));
        Assert.Equal(["sandal", "sneaker", "bag", "ankle_boot"], read[DemoTasks.FashionName].ClassNames);
        Assert.Equal(["t-shirt", "trouser", "pullover", "dress", "coat", "shirt"], read[DemoTasks.FashionSeenName].ClassNames);
        Assert.Equal(10, read[DemoTasks.DigitsName].ClassNames.Count);
        Assert.Equal(6 * 250, read[DemoTasks.FashionSeenName].Test.Count);

        // Same classes, same images in the same order, every grey value inverted.
        var heldOut = read[DemoTasks.FashionName];
        var negative = read[DemoTasks.FashionNegativeName];
        Assert.Equal(heldOut.ClassNames, negative.ClassNames);
        Assert.Equal(heldOut.Test.Select(i => (Path.GetFileName(i.Path), i.Label)), negative.Test.Select(i => (Path.GetFileName(i.Path), i.Label)));
        using var original = Image.Load<L8>(heldOut.Test[0].Path);
        using var inverted = Image.Load<L8>(negative.Test[0].Path);
        for (int y = 0; y < original.Height; y++)
            for (int x = 0; x < original.Width; x++)
                Assert.Equal(255 - original[x, y].PackedValue, inverted[x, y].PackedValue);
    }
}
