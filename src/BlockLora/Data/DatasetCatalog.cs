using System.Collections.Frozen;
using BlockLora.Text;

namespace BlockLora.Data;

/// <summary>
/// The eleven few-shot benchmarks and the four ImageNet variants used for domain generalisation, with
/// CoOp's folder names, split files, prompt templates and class counts (docs/method.md's table), and where each
/// comes from (<see cref="DatasetInfo.Download"/>): one entry per dataset, which <c>blora data fetch</c> reads too.
/// URLs and layouts follow CoOp's DATASETS.md (KaiyangZhou/CoOp, commit ff61507c), updated where a host moved;
/// checksums are the ones torchvision publishes (SHA-256 from its prototype datasets where there is one, else the MD5
/// of its stable datasets). Each <see cref="SourceFile.Origin"/> names its source.
/// </summary>
public static class DatasetCatalog
{
    private const string CoOpTemplate = PromptTemplate.Default;
    private const string CoOp = "CoOp DATASETS.md";
    private const string TvPrototype = "torchvision prototype/datasets/_builtin";
    private const string Drive = "https://drive.google.com/file/d/";
    private const string ClassNamesDriveId = "1-61f_ol79pViBFDG_IDlUQSwoLcn2XXF";

    public static DatasetInfo ImageNet { get; } = new("ImageNet", ["imagenet"], "images", "classnames.txt", CoOpTemplate, 1000,
        SplitLayout.ImageNetFolders, "ImageNet must be downloaded manually from image-net.org (account needed)")
    {
        ClipLoraKey = "imagenet",
        Download = DatasetDownload.ManualOnly("~147 GB (ILSVRC2012 train 138 GB + val 6.3 GB)",
        [
            new("ImageNet needs an account at https://image-net.org: download ILSVRC2012_img_train.tar and ILSVRC2012_img_val.tar "
                + "and extract them to {dir}/images/train and {dir}/images/val, one folder per wnid (n01440764, ...); "
                + "the validation images come flat and must be sorted into wnid folders (e.g. with the devkit's ground truth)",
                ["images/val", "val"]),
            new($"download classnames.txt from CoOp's Google Drive ({Drive}{ClassNamesDriveId}/view) "
                + "and save it as {dir}/classnames.txt", ["classnames.txt"]),
        ]),
    };

    public static DatasetInfo Caltech101 { get; } = new("Caltech101", ["caltech-101", "Caltech101"], "101_ObjectCategories", "split_zhou_Caltech101.json", CoOpTemplate, 100,
        SplitLayout.CoOpJson, "101_ObjectCategories.tar.gz from the Caltech 101 page (data.caltech.edu)")
    {
        ClipLoraKey = "caltech101",
        Download = new("~137 MB",
        Files:
        [
            new("caltech-101.zip", "https://data.caltech.edu/records/mzrjq-6wc02/files/caltech-101.zip",
                FileDigest.Md5("3138e1922a9193bfa496528edbbc45d0"),
                "CaltechDATA record mzrjq-6wc02 (doi:10.22002/D1.20086; the vision.caltech.edu URL in CoOp is gone); "
                + "MD5 as in mlverse/torchvision caltech101_dataset",
                "101_ObjectCategories",
                [
                    // The record's zip wraps the original 101_ObjectCategories.tar.gz.
                    ArrangeOp.ExtractNested("caltech-101/101_ObjectCategories.tar.gz"),
                    ArrangeOp.Move("101_ObjectCategories", "101_ObjectCategories"),
                ]),
        ],
        Manual: [Split("split_zhou_Caltech101.json", "1hyarUivQE36mY6jSomru6Fjd-JzwcCzN")],
        Copies: []),
    };

    public static DatasetInfo OxfordPets { get; } = new("OxfordPets", ["oxford_pets", "OxfordPets"], "images", "split_zhou_OxfordPets.json", "a photo of a {}, a type of pet.", 37,
        SplitLayout.CoOpJson, "images.tar.gz from robots.ox.ac.uk/~vgg/data/pets")
    {
        ClipLoraKey = "oxford_pets",
        Download = new("~0.8 GB",
        Files:
        [
            new("images.tar.gz", "https://www.robots.ox.ac.uk/~vgg/data/pets/data/images.tar.gz",
                FileDigest.Sha256("67195c5e1c01f1ab5f9b6a5d22b8c27a580d896ece458917e61d459337fa318d"),
                $"{CoOp}; SHA-256 from {TvPrototype}/oxford_iiit_pet.py", "images",
                [ArrangeOp.Move("images", "images")]),
            new("annotations.tar.gz", "https://www.robots.ox.ac.uk/~vgg/data/pets/data/annotations.tar.gz",
                FileDigest.Sha256("52425fb6de5c424942b7626b428656fcbd798db970a937df61750c0f1d358e91"),
                $"{CoOp}; SHA-256 from {TvPrototype}/oxford_iiit_pet.py", "annotations",
                [ArrangeOp.Move("annotations", "annotations")]),
        ],
        Manual: [Split("split_zhou_OxfordPets.json", "1501r8Ber4nNKvmlFVQZ8SeUHTcdTTEqs")],
        Copies: []),
    };

    public static DatasetInfo StanfordCars { get; } = new("StanfordCars", ["stanford_cars", "StanfordCars"], "", "split_zhou_StanfordCars.json", CoOpTemplate, 196,
        SplitLayout.CoOpJson, "cars_train, cars_test and the devkit of Stanford Cars (ai.stanford.edu/~jkrause/cars)")
    {
        ClipLoraKey = "stanford_cars",
        Download = new("~1.9 GB",
        // The original ai.stanford.edu/~jkrause files are no longer served; copies of the same four files
        // circulate (Kaggle and others) and are checked against the original SHA-256s.
        Files:
        [
            CarsFile("cars_train.tgz", "b97deb463af7d58b6bfaa18b2a4de9829f0f79e8ce663dfa9261bf7810e9accd", "cars_train",
                [ArrangeOp.Move("cars_train", "cars_train")]),
            CarsFile("cars_test.tgz", "bffea656d6f425cba3c91c6d83336e4c5f86c6cffd8975b0f375d3a10da8e243", "cars_test",
                [ArrangeOp.Move("cars_test", "cars_test")]),
            CarsFile("car_devkit.tgz", "512b227b30e2f0a8aab9e09485786ab4479582073a144998da74d64b801fd288", "devkit",
                [ArrangeOp.Move("devkit", "devkit")]),
            CarsFile("cars_test_annos_withlabels.mat", "790f75be8ea34eeded134cc559332baf23e30e91367e9ddca97d26ed9b895f05",
                "cars_test_annos_withlabels.mat", []),
        ],
        Manual: [Split("split_zhou_StanfordCars.json", "1ObCFbaAgVu0I-k_Au-gIUcefirdAuizT")],
        Copies: []),
    };

    public static DatasetInfo Flowers102 { get; } = new("Flowers102", ["oxford_flowers", "Flower102"], "jpg", "split_zhou_OxfordFlowers.json", "a photo of a {}, a type of flower.", 102,
        SplitLayout.CoOpJson, "102flowers.tgz from robots.ox.ac.uk/~vgg/data/flowers/102")
    {
        ClipLoraKey = "oxford_flowers",
        Download = new("~330 MB",
        Files:
        [
            new("102flowers.tgz", "https://www.robots.ox.ac.uk/~vgg/data/flowers/102/102flowers.tgz",
                FileDigest.Md5("52808999861908f626f3c1f4e79d11fa"),
                $"{CoOp}; MD5 from torchvision datasets/flowers102.py", "jpg",
                [ArrangeOp.Move("jpg", "jpg")]),
            new("imagelabels.mat", "https://www.robots.ox.ac.uk/~vgg/data/flowers/102/imagelabels.mat",
                FileDigest.Md5("e0620be6f572b9609742df49c70aed4d"),
                $"{CoOp}; MD5 from torchvision datasets/flowers102.py", "imagelabels.mat", []),
        ],
        Manual:
        [
            Split("split_zhou_OxfordFlowers.json", "1Pp0sRXzZFZq15zVOzKjKBu4A9i01nozT"),
            new("optional (CoOp only reads it when it has to build the split): download cat_to_name.json from CoOp's Google Drive ("
                + Drive + "1AkcxCXeK_RCGCEC_GvmWxjcjaNhu-at0/view) and save it as {dir}/cat_to_name.json", ["cat_to_name.json"]),
        ],
        Copies: []),
    };

    public static DatasetInfo Food101 { get; } = new("Food101", ["food-101", "Food101"], "images", "split_zhou_Food101.json", "a photo of {}, a type of food.", 101,
        SplitLayout.CoOpJson, "food-101.tar.gz from data.vision.ee.ethz.ch/cvl/datasets_extra/food-101")
    {
        ClipLoraKey = "food101",
        Download = new("~5 GB",
        Files:
        [
            new("food-101.tar.gz", "http://data.vision.ee.ethz.ch/cvl/food-101.tar.gz",
                FileDigest.Sha256("d97d15e438b7f4498f96086a4f7e2fa42a32f2712e87d3295441b2b6314053a4"),
                $"{CoOp} (data.vision.ee.ethz.ch/cvl/datasets_extra/food-101); URL and SHA-256 from {TvPrototype}/food101.py",
                "images", [ArrangeOp.MoveContents("food-101")]),
        ],
        Manual: [Split("split_zhou_Food101.json", "1QK0tGi096I0Ba6kggatX1ee6dJFIcEJl")],
        Copies: []),
    };

    public static DatasetInfo FgvcAircraft { get; } = new("FGVCAircraft", ["fgvc_aircraft"], "images", "variants.txt", "a photo of a {}, a type of aircraft.", 100,
        SplitLayout.FgvcAircraftText, "fgvc-aircraft-2013b.tar.gz from robots.ox.ac.uk/~vgg/data/fgvc-aircraft (its data/ folder becomes fgvc_aircraft)")
    {
        ClipLoraKey = "fgvc",
        Download = new("~2.8 GB",
        Files:
        [
            // CoOp: "extract fgvc-aircraft-2013b.tar.gz and keep only data/, renamed fgvc_aircraft/"; its
            // splits are the dataset's own text files, so nothing here is manual.
            new("fgvc-aircraft-2013b.tar.gz", "https://www.robots.ox.ac.uk/~vgg/data/fgvc-aircraft/archives/fgvc-aircraft-2013b.tar.gz",
                null, $"{CoOp}; no checksum published (torchvision datasets/fgvc_aircraft.py checks none)", "images",
                [ArrangeOp.MoveContents("fgvc-aircraft-2013b/data")]),
        ],
        Manual: [],
        Copies: []),
    };

    public static DatasetInfo Sun397 { get; } = new("SUN397", ["sun397", "SUN397"], "SUN397", "split_zhou_SUN397.json", CoOpTemplate, 397,
        SplitLayout.CoOpJson, "SUN397.tar.gz from vision.princeton.edu/projects/2010/SUN")
    {
        ClipLoraKey = "sun397",
        Download = new("~37 GB",
        Files:
        [
            new("SUN397.tar.gz", "http://vision.princeton.edu/projects/2010/SUN/SUN397.tar.gz",
                FileDigest.Sha256("f404130965a7ad77bed5ececc71e720ab50f3cc1e1bb257257610d38f3b928ec"),
                $"{CoOp}; SHA-256 from {TvPrototype}/sun397.py", "SUN397",
                [ArrangeOp.Move("SUN397", "SUN397")]),
            new("Partitions.zip", "https://vision.princeton.edu/projects/2010/SUN/download/Partitions.zip",
                null, $"{CoOp} (\"extract these files under sun397/\"); no checksum published", "ClassName.txt",
                [ArrangeOp.MoveContents(".")]),
        ],
        Manual: [Split("split_zhou_SUN397.json", "1y2RD81BYuiyvebdN-JymPfyWYcd8_MUq")],
        Copies: []),
    };

    public static DatasetInfo Dtd { get; } = new("DTD", ["dtd", "DTD"], "images", "split_zhou_DescribableTextures.json", "{} texture.", 47,
        SplitLayout.CoOpJson, "dtd-r1.0.1.tar.gz from robots.ox.ac.uk/~vgg/data/dtd")
    {
        ClipLoraKey = "dtd",
        Download = new("~600 MB",
        Files:
        [
            new("dtd-r1.0.1.tar.gz", "https://www.robots.ox.ac.uk/~vgg/data/dtd/download/dtd-r1.0.1.tar.gz",
                FileDigest.Sha256("e42855a52a4950a3b59612834602aa253914755c95b0cff9ead6d07395f8e205"),
                $"{CoOp}; SHA-256 from {TvPrototype}/dtd.py", "images",
                [ArrangeOp.MoveContents("dtd")]),
        ],
        Manual: [Split("split_zhou_DescribableTextures.json", "1u3_QfB467jqHgNXC00UIzbLZRQCg2S7x")],
        Copies: []),
    };

    public static DatasetInfo EuroSat { get; } = new("EuroSAT", ["eurosat"], "2750", "split_zhou_EuroSAT.json", "a centered satellite photo of {}.", 10,
        SplitLayout.CoOpJson, "EuroSAT.zip (RGB) from madm.dfki.de/files/sentinel")
    {
        ClipLoraKey = "eurosat",
        Download = new("~90 MB",
        Files:
        [
            // CoOp's madm.dfki.de link now refuses downloads; torchvision moved to this pinned Hugging Face copy.
            new("EuroSAT.zip", "https://huggingface.co/datasets/torchgeo/eurosat/resolve/c877bcd43f099cd0196738f714544e355477f3fd/EuroSAT.zip",
                FileDigest.Md5("c8fa014336c82ac7804f0398fcb19387"),
                "torchvision datasets/eurosat.py (URL and MD5)", "2750",
                [ArrangeOp.Move("2750", "2750")]),
        ],
        Manual: [Split("split_zhou_EuroSAT.json", "1Ip7yaCWFi0eaOFUGga0lUdVi_DDQth1o")],
        Copies: []),
    };

    public static DatasetInfo Ucf101 { get; } = new("UCF101", ["ucf101", "UCF101"], "UCF-101-midframes", "split_zhou_UCF101.json", "a photo of a person doing {}.", 101,
        SplitLayout.CoOpJson, "UCF-101-midframes.zip linked from CoOp's DATASETS.md")
    {
        ClipLoraKey = "ucf101",
        Download = new("size not published",
        Files:
        [
            new("UCF-101-midframes.zip", null, null, CoOp, "UCF-101-midframes",
                [ArrangeOp.Move("UCF-101-midframes", "UCF-101-midframes")],
                "CoOp's Google Drive: " + Drive + "10Jqome3vtUA2keJkNanAiFpgbyC9Hc2O/view (the middle frame of every UCF101 video)"),
        ],
        Manual: [Split("split_zhou_UCF101.json", "1I0S0q91hJfsV9Gf4xDIjgDq4AqBNJb1y")],
        Copies: []),
    };

    public static DatasetInfo ImageNetV2 { get; } = new("ImageNetV2", ["imagenetv2"], "imagenetv2-matched-frequency-format-val", "classnames.txt", CoOpTemplate, 1000,
        SplitLayout.ImageNetLabelFolders, "imagenetv2-matched-frequency.tar.gz from the ImageNetV2 release (github.com/modestyachts/ImageNetV2)")
    {
        Download = new("~1.2 GB",
        Files:
        [
            // CoOp's s3-us-west-2 link is retired; the ImageNetV2 README now points at this Hugging Face repository.
            new("imagenetv2-matched-frequency.tar.gz",
                "https://huggingface.co/datasets/vaishaal/ImageNetV2/resolve/main/imagenetv2-matched-frequency.tar.gz",
                null, "modestyachts/ImageNetV2 README; no checksum published", "imagenetv2-matched-frequency-format-val",
                [ArrangeOp.Move("imagenetv2-matched-frequency-format-val", "imagenetv2-matched-frequency-format-val")]),
        ],
        Manual: [],
        Copies: [ImageNetClassNames]),
    };

    public static DatasetInfo ImageNetSketch { get; } = new("ImageNetSketch", ["imagenet-sketch"], "images", "classnames.txt", CoOpTemplate, 1000,
        SplitLayout.ImageNetWnidFolders, "ImageNet-Sketch from github.com/HaohanWang/ImageNet-Sketch")
    {
        Download = new("~8 GB",
        Files:
        [
            // The archive holds sketch/<wnid>/...; CoOp reads imagenet-sketch/images/<wnid>/.
            new("ImageNet-Sketch.zip", "https://huggingface.co/datasets/songweig/imagenet_sketch/resolve/main/data/ImageNet-Sketch.zip",
                null, "HaohanWang/ImageNet-Sketch (Hugging Face copy, as in LAION-AI/CLIP_benchmark); no checksum published", "images",
                [ArrangeOp.Move("sketch", "images")]),
        ],
        Manual: [],
        Copies: [ImageNetClassNames]),
    };

    public static DatasetInfo ImageNetA { get; } = new("ImageNetA", ["imagenet-adversarial"], "imagenet-a", "classnames.txt", CoOpTemplate, 200,
        SplitLayout.ImageNetWnidFolders, "imagenet-a.tar from github.com/hendrycks/natural-adv-examples")
    {
        Download = new("~0.7 GB",
        Files:
        [
            new("imagenet-a.tar", "https://people.eecs.berkeley.edu/~hendrycks/imagenet-a.tar",
                null, "hendrycks/natural-adv-examples; no checksum published", "imagenet-a",
                [ArrangeOp.Move("imagenet-a", "imagenet-a")]),
        ],
        Manual: [],
        Copies: [ImageNetClassNames]),
    };

    public static DatasetInfo ImageNetR { get; } = new("ImageNetR", ["imagenet-rendition"], "imagenet-r", "classnames.txt", CoOpTemplate, 200,
        SplitLayout.ImageNetWnidFolders, "imagenet-r.tar from github.com/hendrycks/imagenet-r")
    {
        Download = new("~2 GB",
        Files:
        [
            new("imagenet-r.tar", "https://people.eecs.berkeley.edu/~hendrycks/imagenet-r.tar",
                null, "hendrycks/imagenet-r; no checksum published", "imagenet-r",
                [ArrangeOp.Move("imagenet-r", "imagenet-r")]),
        ],
        Manual: [],
        Copies: [ImageNetClassNames]),
    };

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

    // Names, folder names and CLIP-LoRA's keys, lower-cased with '-', '_' and spaces removed, so "ImageNet-A",
    // "imagenet_a", "oxford_pets", "fgvc" and "OxfordPets" all find their entry. Building it throws if two entries ever collide.
    private static readonly FrozenDictionary<string, DatasetInfo> ByKey = All
        .SelectMany(d => d.FolderNames.Prepend(d.Name).Concat(d.ClipLoraKey is { } key ? [key] : []).Select(Key).Distinct().Select(k => KeyValuePair.Create(k, d)))
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

    private static RootCopy ImageNetClassNames =>
        new("imagenet/classnames.txt", "classnames.txt", $"CoOp's Google Drive ({Drive}{ClassNamesDriveId}/view)");

    private static ManualRequirement Split(string file, string driveId) =>
        new($"download {file} from CoOp's Google Drive ({Drive}{driveId}/view) and save it as {{dir}}/{file}", [file]);

    private static SourceFile CarsFile(string file, string sha256, string produces, IReadOnlyList<ArrangeOp> arrange) =>
        new(file, null, FileDigest.Sha256(sha256),
            $"original ai.stanford.edu/~jkrause/cars files (CoOp DATASETS.md); SHA-256 from {TvPrototype}/stanford_cars.py",
            produces, arrange,
            "a copy of the original Stanford Cars release (ai.stanford.edu no longer serves it; mirrors exist, e.g. on Kaggle)");
}
