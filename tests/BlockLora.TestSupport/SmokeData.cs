using System.Globalization;
using System.Text;
using System.Text.Json;
using BlockLora.Data;

namespace BlockLora.Tests;

/// <summary>How many generated images of what kind, for <see cref="SmokeData"/>.</summary>
public sealed record SmokeDataOptions
{
    public int Classes { get; init; } = 6;
    public int TrainPerClass { get; init; } = 16;
    public int ValPerClass { get; init; } = 1;
    public int TestPerClass { get; init; } = 10;
    public int Seed { get; init; } = 1;
    /// <summary>Side of the square images in pixels.</summary>
    public int ImageSize { get; init; } = 64;
    public SmokeImageStyle Style { get; init; } = SmokeImageStyle.Shapes;
    /// <summary>Class names in label order; null gives <see cref="SmokeImages.DefaultClassNames"/> (e.g. <c>red_circle</c>).</summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    public IReadOnlyList<string> ResolveClassNames()
    {
        var names = ClassNames ?? SmokeImages.DefaultClassNames(Classes, Style);
        if (names.Count != Classes) throw new ArgumentException($"{names.Count} class names given for {Classes} classes");
        return names;
    }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Classes);
        ArgumentOutOfRangeException.ThrowIfNegative(TrainPerClass);
        ArgumentOutOfRangeException.ThrowIfNegative(ValPerClass);
        ArgumentOutOfRangeException.ThrowIfNegative(TestPerClass);
    }
}

/// <summary>What <see cref="SmokeData"/> wrote: pass <see cref="Root"/> and <see cref="DatasetName"/> to <see cref="DatasetReader.Read(string, string)"/>.</summary>
public sealed record SmokeDataset(string Root, string DatasetName, IReadOnlyList<string> ClassNames, string DatasetDirectory, string ImageDirectory, string SplitFile);

/// <summary>
/// Generated datasets in the benchmarks' own on-disk layouts (CoOp's split JSON, ImageNet's class folders and
/// <c>classnames.txt</c>, ImageNet-Sketch's wnid folders), so the readers, sampler, loader, trainer and
/// evaluator run on them exactly as on the real data: the tests' fixtures (the workbook's smoke profile used them
/// until it moved to the demo model and tasks, <see cref="DemoWorkbookData"/>). Deterministic: the same options write the same files.
/// </summary>
public static class SmokeData
{
    /// <summary>Bump when the images or the suite change, so <see cref="EnsureSuite"/> regenerates old copies.</summary>
    public const int SuiteVersion = 1;
    private const string MarkerFile = "smoke-data.json";

    /// <summary>
    /// A dataset in a CoOp split-JSON layout (e.g. OxfordPets: <c>root/oxford_pets/images/*</c> and
    /// <c>split_zhou_OxfordPets.json</c>). Files are named <c>{class}_{split}_{i}</c> and alternate JPEG and PNG.
    /// </summary>
    public static SmokeDataset CreateCoOp(string root, DatasetInfo layout, SmokeDataOptions options)
    {
        ArgumentNullException.ThrowIfNull(layout);
        options.Validate();
        if (layout.Layout != SplitLayout.CoOpJson) throw new ArgumentException($"{layout.Name} is not a CoOp split-JSON dataset");
        string datasetDir = Path.Combine(Path.GetFullPath(root), layout.PrimaryFolderName);
        string imageDir = layout.ImageSubfolder.Length == 0 ? datasetDir : Path.Combine(datasetDir, layout.ImageSubfolder);
        Directory.CreateDirectory(imageDir);
        var classNames = options.ResolveClassNames();
        var splits = new Dictionary<string, List<object[]>> { ["train"] = [], ["val"] = [], ["test"] = [] };
        int imageNumber = 0;
        for (int c = 0; c < classNames.Count; c++)
        {
            foreach (var (split, count) in new[] { ("train", options.TrainPerClass), ("val", options.ValPerClass), ("test", options.TestPerClass) })
            {
                for (int i = 0; i < count; i++)
                {
                    string relative = $"{classNames[c]}_{split}_{i}{(imageNumber % 2 == 0 ? ".jpg" : ".png")}";
                    SmokeImages.Write(Path.Combine(imageDir, relative), options.Style, c, classNames.Count, ImageSeed(options.Seed, imageNumber), options.ImageSize);
                    splits[split].Add([relative, c, classNames[c]]);
                    imageNumber++;
                }
            }
        }
        string splitFile = Path.Combine(datasetDir, layout.SplitFile);
        File.WriteAllText(splitFile, JsonSerializer.Serialize(splits));
        return new SmokeDataset(Path.GetFullPath(root), layout.Name, classNames, datasetDir, imageDir, splitFile);
    }

    /// <summary>ImageNet's layout: <c>root/imagenet/classnames.txt</c> and <c>images/{train,val}/&lt;wnid&gt;/*.JPEG</c> (val is the test split).</summary>
    public static SmokeDataset CreateImageNet(string root, SmokeDataOptions options)
    {
        options.Validate();
        var layout = DatasetCatalog.ImageNet;
        string datasetDir = Path.Combine(Path.GetFullPath(root), layout.PrimaryFolderName);
        string imageDir = Path.Combine(datasetDir, layout.ImageSubfolder);
        var classNames = options.ResolveClassNames();
        WriteClassNames(Path.Combine(datasetDir, layout.SplitFile), classNames);
        int imageNumber = 0;
        for (int c = 0; c < classNames.Count; c++)
        {
            foreach (var (split, count) in new[] { ("train", options.TrainPerClass), ("val", options.TestPerClass) })
            {
                for (int i = 0; i < count; i++)
                {
                    string path = Path.Combine(imageDir, split, Wnid(c), $"{Wnid(c)}_{split}_{i}.JPEG");
                    SmokeImages.Write(path, options.Style, c, classNames.Count, ImageSeed(options.Seed, imageNumber++), options.ImageSize);
                }
            }
        }
        return new SmokeDataset(Path.GetFullPath(root), layout.Name, classNames, datasetDir, imageDir, Path.Combine(datasetDir, layout.SplitFile));
    }

    /// <summary>
    /// A test-only ImageNet variant with wnid folders (ImageNet-Sketch, -A, -R) for the same classes as
    /// <see cref="CreateImageNet"/>, drawn in another style (a domain shift); reads ImageNet's class names.
    /// </summary>
    public static SmokeDataset CreateImageNetVariant(string root, DatasetInfo variant, SmokeDataOptions options)
    {
        ArgumentNullException.ThrowIfNull(variant);
        options.Validate();
        if (variant.Layout != SplitLayout.ImageNetWnidFolders) throw new ArgumentException($"{variant.Name} is not an ImageNet variant with wnid folders");
        string datasetDir = Path.Combine(Path.GetFullPath(root), variant.PrimaryFolderName);
        string imageDir = Path.Combine(datasetDir, variant.ImageSubfolder);
        var classNames = options.ResolveClassNames();
        WriteClassNames(Path.Combine(datasetDir, variant.SplitFile), classNames);
        int imageNumber = 0;
        for (int c = 0; c < classNames.Count; c++)
            for (int i = 0; i < options.TestPerClass; i++)
                SmokeImages.Write(Path.Combine(imageDir, Wnid(c), $"{Wnid(c)}_{i}.jpg"), options.Style, c, classNames.Count, ImageSeed(options.Seed + 7919, imageNumber++), options.ImageSize);
        return new SmokeDataset(Path.GetFullPath(root), variant.Name, classNames, datasetDir, imageDir, Path.Combine(datasetDir, variant.SplitFile));
    }

    /// <summary>
    /// A suite of stand-ins under <paramref name="root"/>: ImageNet (8 shape classes), OxfordPets (6 shape
    /// classes), DTD (6 texture classes) and ImageNetSketch (ImageNet's classes as outlines). A few hundred small
    /// images; seconds to write.
    /// </summary>
    public static IReadOnlyList<SmokeDataset> CreateSuite(string root, int seed = 1)
    {
        var imageNet = new SmokeDataOptions { Classes = 8, TrainPerClass = 16, TestPerClass = 10, Seed = seed };
        return
        [
            CreateImageNet(root, imageNet),
            CreateCoOp(root, DatasetCatalog.OxfordPets, new SmokeDataOptions { Classes = 6, TrainPerClass = 16, TestPerClass = 10, Seed = seed + 1 }),
            CreateCoOp(root, DatasetCatalog.Dtd, new SmokeDataOptions { Classes = 6, TrainPerClass = 16, TestPerClass = 10, Seed = seed + 2, Style = SmokeImageStyle.Textures }),
            CreateImageNetVariant(root, DatasetCatalog.ImageNetSketch, imageNet with { Style = SmokeImageStyle.Outlines, ClassNames = imageNet.ResolveClassNames() }),
        ];
    }

    /// <summary>The dataset names <see cref="CreateSuite"/> writes, in the papers' column order.</summary>
    public static IReadOnlyList<string> SuiteDatasets { get; } =
        [DatasetCatalog.ImageNet.Name, DatasetCatalog.OxfordPets.Name, DatasetCatalog.Dtd.Name, DatasetCatalog.ImageNetSketch.Name];

    /// <summary>Writes the suite unless an identical one (same version and seed) is already there; true when it wrote.</summary>
    public static bool EnsureSuite(string root, int seed = 1)
    {
        string marker = Path.Combine(root, MarkerFile);
        string expected = $"{{\"version\": {SuiteVersion.ToString(CultureInfo.InvariantCulture)}, \"seed\": {seed.ToString(CultureInfo.InvariantCulture)}}}";
        if (File.Exists(marker) && File.ReadAllText(marker, Encoding.UTF8) == expected) return false;
        foreach (var name in SuiteDatasets)
        {
            string dir = Path.Combine(root, DatasetCatalog.Get(name).PrimaryFolderName);
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
        CreateSuite(root, seed);
        File.WriteAllText(marker, expected, Encoding.UTF8);
        return true;
    }

    private static string Wnid(int classIndex) => $"n{classIndex + 1:D8}";

    private static void WriteClassNames(string path, IReadOnlyList<string> classNames)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllLines(path, classNames.Select((name, c) => $"{Wnid(c)} {name}"));
    }

    private static int ImageSeed(int seed, int imageNumber) => unchecked((seed * 100_003) + imageNumber);
}
