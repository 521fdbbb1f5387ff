using BlockLora.Data;

namespace BlockLora.Workbook.Demo;

/// <summary>
/// Fashion-MNIST (Zalando Research, MIT licence) as Debian's <c>dataset-fashion-mnist</c> installs it:
/// gzip'd IDX files of 28 × 28 grey images, 60,000 train and 10,000 test, ten balanced classes.
/// </summary>
public static class FashionMnist
{
    public const string DebianPackage = "dataset-fashion-mnist";
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";
    /// <summary>The package's copyright file (the data licence), copied next to the demo checkpoint.</summary>
    public const string CopyrightFile = "/usr/share/doc/dataset-fashion-mnist/copyright";

    /// <summary>
    /// Class names by label, spelled as split files spell them (underscores for spaces). The dataset's own
    /// names are "T-shirt/top", "Trouser", …, "Ankle boot"; a slash cannot appear in a folder name.
    /// </summary>
    public static IReadOnlyList<string> ClassNames { get; } =
        ["t-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle_boot"];

    /// <summary>
    /// The classes the demo CLIP is pretrained on: the upper-body garments, trousers and dresses. Footwear
    /// and bags (sandal, sneaker, bag, ankle boot) are held out of pretraining entirely, images and words,
    /// and become the first few-shot task.
    /// </summary>
    public static IReadOnlyList<int> SeenByDemoModel { get; } = [0, 1, 2, 3, 4, 6];

    public static IReadOnlyList<int> HeldOutFromDemoModel { get; } = [5, 7, 8, 9];

    public static GrayImageSet Train(string directory = DefaultDirectory) => Read(directory, "train");

    public static GrayImageSet Test(string directory = DefaultDirectory) => Read(directory, "t10k");

    /// <summary>Throws <see cref="DemoDataMissingException"/> unless all four files are present.</summary>
    public static void EnsureInstalled(string directory = DefaultDirectory)
    {
        foreach (var prefix in new[] { "train", "t10k" })
        foreach (var kind in new[] { "images-idx3", "labels-idx1" })
        {
            string file = Path.Combine(directory, $"{prefix}-{kind}-ubyte.gz");
            if (!File.Exists(file)) throw new DemoDataMissingException(file, DebianPackage);
        }
    }

    private static GrayImageSet Read(string directory, string prefix)
    {
        EnsureInstalled(directory);
        string imagesPath = Path.Combine(directory, $"{prefix}-images-idx3-ubyte.gz");
        string labelsPath = Path.Combine(directory, $"{prefix}-labels-idx1-ubyte.gz");
        var images = IdxFile.Read(imagesPath);
        var labels = IdxFile.Read(labelsPath);
        if (images.Shape.Count != 3) throw new InvalidDataException($"{imagesPath}: expected [images, rows, columns], got rank {images.Shape.Count}");
        if (labels.Shape.Count != 1 || labels.Count != images.Count)
            throw new InvalidDataException($"{labelsPath}: {labels.Count} labels for {images.Count} images in {imagesPath}");
        var classes = labels.Values.Select(v => (int)v).ToArray();
        int bad = Array.FindIndex(classes, c => c >= ClassNames.Count);
        if (bad >= 0) throw new InvalidDataException($"{labelsPath}: label {classes[bad]} at item {bad} is not one of the {ClassNames.Count} classes");
        return new GrayImageSet(images.Shape[2], images.Shape[1], images.Values, classes);
    }
}
