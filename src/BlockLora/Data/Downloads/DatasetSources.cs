namespace BlockLora.Data.Downloads;

/// <summary>
/// Where the 11 CoOp datasets and the four ImageNet variants come from. URLs and layouts follow CoOp's
/// DATASETS.md (KaiyangZhou/CoOp, commit ff61507c), updated where a host moved; checksums are the ones
/// torchvision publishes (SHA-256 from its prototype datasets where there is one, else the MD5 of its stable
/// datasets). Each <see cref="SourceFile.Origin"/> names its source.
/// </summary>
public static class DatasetSources
{
    private const string CoOp = "CoOp DATASETS.md";
    private const string TvPrototype = "torchvision prototype/datasets/_builtin";
    private const string Drive = "https://drive.google.com/file/d/";

    public static IReadOnlyList<DatasetSource> All { get; } =
    [
        new("ImageNet", "imagenet", [], "~147 GB (ILSVRC2012 train 138 GB + val 6.3 GB)",
            Files: [],
            Manual:
            [
                new("ImageNet needs an account at https://image-net.org: download ILSVRC2012_img_train.tar and ILSVRC2012_img_val.tar "
                    + "and extract them to {dir}/images/train and {dir}/images/val, one folder per wnid (n01440764, ...); "
                    + "the validation images come flat and must be sorted into wnid folders (e.g. with the devkit's ground truth)",
                    ["images/val", "val"]),
                new($"download classnames.txt from CoOp's Google Drive ({Drive}{ClassNamesDriveId}/view) "
                    + "and save it as {dir}/classnames.txt", ["classnames.txt"]),
            ],
            Copies: []),

        new("Caltech101", "caltech-101", ["Caltech101"], "~137 MB",
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

        new("OxfordPets", "oxford_pets", ["OxfordPets"], "~0.8 GB",
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

        // The original ai.stanford.edu/~jkrause files are no longer served; copies of the same four files
        // circulate (Kaggle and others) and are checked against the original SHA-256s.
        new("StanfordCars", "stanford_cars", ["StanfordCars"], "~1.9 GB",
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

        new("Flowers102", "oxford_flowers", ["Flower102"], "~330 MB",
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

        new("Food101", "food-101", ["Food101"], "~5 GB",
            Files:
            [
                new("food-101.tar.gz", "http://data.vision.ee.ethz.ch/cvl/food-101.tar.gz",
                    FileDigest.Sha256("d97d15e438b7f4498f96086a4f7e2fa42a32f2712e87d3295441b2b6314053a4"),
                    $"{CoOp} (data.vision.ee.ethz.ch/cvl/datasets_extra/food-101); URL and SHA-256 from {TvPrototype}/food101.py",
                    "images", [ArrangeOp.MoveContents("food-101")]),
            ],
            Manual: [Split("split_zhou_Food101.json", "1QK0tGi096I0Ba6kggatX1ee6dJFIcEJl")],
            Copies: []),

        new("FGVCAircraft", "fgvc_aircraft", [], "~2.8 GB",
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

        new("SUN397", "sun397", ["SUN397"], "~37 GB",
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

        new("DTD", "dtd", ["DTD"], "~600 MB",
            Files:
            [
                new("dtd-r1.0.1.tar.gz", "https://www.robots.ox.ac.uk/~vgg/data/dtd/download/dtd-r1.0.1.tar.gz",
                    FileDigest.Sha256("e42855a52a4950a3b59612834602aa253914755c95b0cff9ead6d07395f8e205"),
                    $"{CoOp}; SHA-256 from {TvPrototype}/dtd.py", "images",
                    [ArrangeOp.MoveContents("dtd")]),
            ],
            Manual: [Split("split_zhou_DescribableTextures.json", "1u3_QfB467jqHgNXC00UIzbLZRQCg2S7x")],
            Copies: []),

        new("EuroSAT", "eurosat", [], "~90 MB",
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

        new("UCF101", "ucf101", ["UCF101"], "size not published",
            Files:
            [
                new("UCF-101-midframes.zip", null, null, CoOp, "UCF-101-midframes",
                    [ArrangeOp.Move("UCF-101-midframes", "UCF-101-midframes")],
                    "CoOp's Google Drive: " + Drive + "10Jqome3vtUA2keJkNanAiFpgbyC9Hc2O/view (the middle frame of every UCF101 video)"),
            ],
            Manual: [Split("split_zhou_UCF101.json", "1I0S0q91hJfsV9Gf4xDIjgDq4AqBNJb1y")],
            Copies: []),

        new("ImageNetV2", "imagenetv2", [], "~1.2 GB",
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

        new("ImageNetSketch", "imagenet-sketch", [], "~8 GB",
            Files:
            [
                // The archive holds sketch/<wnid>/...; CoOp reads imagenet-sketch/images/<wnid>/.
                new("ImageNet-Sketch.zip", "https://huggingface.co/datasets/songweig/imagenet_sketch/resolve/main/data/ImageNet-Sketch.zip",
                    null, "HaohanWang/ImageNet-Sketch (Hugging Face copy, as in LAION-AI/CLIP_benchmark); no checksum published", "images",
                    [ArrangeOp.Move("sketch", "images")]),
            ],
            Manual: [],
            Copies: [ImageNetClassNames]),

        new("ImageNetA", "imagenet-adversarial", [], "~0.7 GB",
            Files:
            [
                new("imagenet-a.tar", "https://people.eecs.berkeley.edu/~hendrycks/imagenet-a.tar",
                    null, "hendrycks/natural-adv-examples; no checksum published", "imagenet-a",
                    [ArrangeOp.Move("imagenet-a", "imagenet-a")]),
            ],
            Manual: [],
            Copies: [ImageNetClassNames]),

        new("ImageNetR", "imagenet-rendition", [], "~2 GB",
            Files:
            [
                new("imagenet-r.tar", "https://people.eecs.berkeley.edu/~hendrycks/imagenet-r.tar",
                    null, "hendrycks/imagenet-r; no checksum published", "imagenet-r",
                    [ArrangeOp.Move("imagenet-r", "imagenet-r")]),
            ],
            Manual: [],
            Copies: [ImageNetClassNames]),
    ];

    /// <summary>Finds a dataset by name or folder name, ignoring case, '-', '_' and spaces ("imagenet-a",
    /// "oxford_pets" and "OxfordPets" all work).</summary>
    /// <exception cref="ArgumentException">Unknown name; the message lists the valid ones.</exception>
    public static DatasetSource Find(IReadOnlyList<DatasetSource> catalog, string name)
    {
        string key = Key(name);
        return catalog.FirstOrDefault(d => Key(d.Name) == key)
               ?? catalog.FirstOrDefault(d => d.OtherDirectories.Prepend(d.Directory).Any(dir => Key(dir) == key))
               ?? throw new ArgumentException($"unknown dataset '{name}'; valid names: {string.Join(", ", catalog.Select(d => d.Name))}");
    }

    private static string Key(string name) =>
        new(name.Where(c => c is not ('-' or '_' or ' ')).Select(char.ToLowerInvariant).ToArray());

    private const string ClassNamesDriveId = "1-61f_ol79pViBFDG_IDlUQSwoLcn2XXF";

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
