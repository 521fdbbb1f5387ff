using System.Collections.Frozen;
using BlockLora.Text;

namespace BlockLora.Data;

/// <summary>
/// The eleven few-shot benchmarks and the four ImageNet variants used for domain generalisation, with
/// CoOp's folder names, split files, prompt templates and class counts (docs/method.md's table).
/// </summary>
public static class DatasetCatalog
{
    private const string CoOpTemplate = PromptTemplate.Default;

    public static DatasetInfo ImageNet { get; } = new("ImageNet", ["imagenet"], "images", "classnames.txt", CoOpTemplate, 1000,
        SplitLayout.ImageNetFolders, "ImageNet must be downloaded manually from image-net.org (account needed)");

    public static DatasetInfo Caltech101 { get; } = new("Caltech101", ["caltech-101", "Caltech101"], "101_ObjectCategories", "split_zhou_Caltech101.json", CoOpTemplate, 100,
        SplitLayout.CoOpJson, "101_ObjectCategories.tar.gz from the Caltech 101 page (data.caltech.edu)");

    public static DatasetInfo OxfordPets { get; } = new("OxfordPets", ["oxford_pets", "OxfordPets"], "images", "split_zhou_OxfordPets.json", "a photo of a {}, a type of pet.", 37,
        SplitLayout.CoOpJson, "images.tar.gz from robots.ox.ac.uk/~vgg/data/pets");

    public static DatasetInfo StanfordCars { get; } = new("StanfordCars", ["stanford_cars", "StanfordCars"], "", "split_zhou_StanfordCars.json", CoOpTemplate, 196,
        SplitLayout.CoOpJson, "cars_train, cars_test and the devkit of Stanford Cars (ai.stanford.edu/~jkrause/cars)");

    public static DatasetInfo Flowers102 { get; } = new("Flowers102", ["oxford_flowers", "Flower102"], "jpg", "split_zhou_OxfordFlowers.json", "a photo of a {}, a type of flower.", 102,
        SplitLayout.CoOpJson, "102flowers.tgz from robots.ox.ac.uk/~vgg/data/flowers/102");

    public static DatasetInfo Food101 { get; } = new("Food101", ["food-101", "Food101"], "images", "split_zhou_Food101.json", "a photo of {}, a type of food.", 101,
        SplitLayout.CoOpJson, "food-101.tar.gz from data.vision.ee.ethz.ch/cvl/datasets_extra/food-101");

    public static DatasetInfo FgvcAircraft { get; } = new("FGVCAircraft", ["fgvc_aircraft"], "images", "variants.txt", "a photo of a {}, a type of aircraft.", 100,
        SplitLayout.FgvcAircraftText, "fgvc-aircraft-2013b.tar.gz from robots.ox.ac.uk/~vgg/data/fgvc-aircraft (its data/ folder becomes fgvc_aircraft)");

    public static DatasetInfo Sun397 { get; } = new("SUN397", ["sun397", "SUN397"], "SUN397", "split_zhou_SUN397.json", CoOpTemplate, 397,
        SplitLayout.CoOpJson, "SUN397.tar.gz from vision.princeton.edu/projects/2010/SUN");

    public static DatasetInfo Dtd { get; } = new("DTD", ["dtd", "DTD"], "images", "split_zhou_DescribableTextures.json", "{} texture.", 47,
        SplitLayout.CoOpJson, "dtd-r1.0.1.tar.gz from robots.ox.ac.uk/~vgg/data/dtd");

    public static DatasetInfo EuroSat { get; } = new("EuroSAT", ["eurosat"], "2750", "split_zhou_EuroSAT.json", "a centered satellite photo of {}.", 10,
        SplitLayout.CoOpJson, "EuroSAT.zip (RGB) from madm.dfki.de/files/sentinel");

    public static DatasetInfo Ucf101 { get; } = new("UCF101", ["ucf101", "UCF101"], "UCF-101-midframes", "split_zhou_UCF101.json", "a photo of a person doing {}.", 101,
        SplitLayout.CoOpJson, "UCF-101-midframes.zip linked from CoOp's DATASETS.md");

    public static DatasetInfo ImageNetV2 { get; } = new("ImageNetV2", ["imagenetv2"], "imagenetv2-matched-frequency-format-val", "classnames.txt", CoOpTemplate, 1000,
        SplitLayout.ImageNetLabelFolders, "imagenetv2-matched-frequency.tar.gz from the ImageNetV2 release (github.com/modestyachts/ImageNetV2)");

    public static DatasetInfo ImageNetSketch { get; } = new("ImageNetSketch", ["imagenet-sketch"], "images", "classnames.txt", CoOpTemplate, 1000,
        SplitLayout.ImageNetWnidFolders, "ImageNet-Sketch from github.com/HaohanWang/ImageNet-Sketch");

    public static DatasetInfo ImageNetA { get; } = new("ImageNetA", ["imagenet-adversarial"], "imagenet-a", "classnames.txt", CoOpTemplate, 200,
        SplitLayout.ImageNetWnidFolders, "imagenet-a.tar from github.com/hendrycks/natural-adv-examples");

    public static DatasetInfo ImageNetR { get; } = new("ImageNetR", ["imagenet-rendition"], "imagenet-r", "classnames.txt", CoOpTemplate, 200,
        SplitLayout.ImageNetWnidFolders, "imagenet-r.tar from github.com/hendrycks/imagenet-r");

    /// <summary>All entries: the eleven benchmarks in the papers' column order, then the ImageNet variants.</summary>
    public static IReadOnlyList<DatasetInfo> All { get; } =
    [
        ImageNet, Caltech101, OxfordPets, StanfordCars, Flowers102, Food101, FgvcAircraft, Sun397, Dtd, EuroSat, Ucf101,
        ImageNetV2, ImageNetSketch, ImageNetA, ImageNetR,
    ];

    /// <summary>The eleven few-shot benchmarks (ImageNet first).</summary>
    public static IReadOnlyList<DatasetInfo> Benchmarks { get; } = All.Where(d => !d.IsTestOnly).ToArray();

    /// <summary>The domain-generalisation targets: ImageNet-V2, -Sketch, -A, -R.</summary>
    public static IReadOnlyList<DatasetInfo> ImageNetVariants { get; } = All.Where(d => d.IsTestOnly).ToArray();

    // Names and folder names, lower-cased with '-', '_' and spaces removed, so "ImageNet-A", "imagenet_a",
    // "oxford_pets" and "OxfordPets" all find their entry. Building it throws if two entries ever collide.
    private static readonly FrozenDictionary<string, DatasetInfo> ByKey = All
        .SelectMany(d => d.FolderNames.Prepend(d.Name).Select(Key).Distinct().Select(k => KeyValuePair.Create(k, d)))
        .ToFrozenDictionary();

    /// <summary>Finds a dataset by name or folder name, ignoring case, '-', '_' and spaces.</summary>
    /// <exception cref="ArgumentException">Unknown name; the message lists the valid names.</exception>
    public static DatasetInfo Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return TryGet(name, out DatasetInfo? info)
            ? info
            : throw new ArgumentException($"unknown dataset '{name}'; valid names: {string.Join(", ", All.Select(d => d.Name))}");
    }

    /// <summary>
    /// Finds <paramref name="name"/> among <paramref name="custom"/> datasets (by exact name, ignoring case) and
    /// then in the catalog, so callers that accept user-described CoOp datasets resolve names one way.
    /// </summary>
    /// <exception cref="ArgumentException">Neither knows the name; the message lists both.</exception>
    public static DatasetInfo Resolve(string name, IEnumerable<DatasetInfo> custom)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(custom);
        var customList = custom.ToList();
        var match = customList.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase));
        if (match is not null) return match;
        if (TryGet(name, out DatasetInfo? info)) return info;
        throw new ArgumentException($"unknown dataset '{name}'; valid names: {string.Join(", ", customList.Concat(All).Select(d => d.Name))}");
    }

    public static bool TryGet(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out DatasetInfo? info)
    {
        ArgumentNullException.ThrowIfNull(name);
        return ByKey.TryGetValue(Key(name), out info);
    }

    private static string Key(string name) =>
        new(name.Where(c => c is not ('-' or '_' or ' ')).Select(char.ToLowerInvariant).ToArray());
}
