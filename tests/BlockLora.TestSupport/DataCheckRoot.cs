using System.Text.Json;
using System.Text.Json.Nodes;
using BlockLora.Data;

namespace BlockLora.Tests;

/// <summary>
/// A data root for <c>blora data check</c>: tiny copies (16-pixel images, two or three classes) of DTD, EuroSAT,
/// FGVC-Aircraft, OxfordPets, Caltech101, Food101, ImageNet, ImageNet-A and a custom <c>blora-dataset.json</c> dataset, each
/// in its real layout. With <c>planted</c>, each carries problems users meet: a malformed DTD split JSON, a truncated
/// JPEG in EuroSAT's train split, an FGVC-Aircraft class with 5 train images, a missing image and a repeated entry in
/// OxfordPets, an inconsistent label and a class without test images in Caltech101, an entry of the wrong types in
/// Food101, an ImageNet class folder that <c>classnames.txt</c> lists but the train folder lacks, a symbolic link from
/// ImageNet's train folder to itself, and an ImageNet-A class folder missing from its subset. Without, the same root is clean.
/// </summary>
public sealed record DataCheckRoot(string Root, bool Planted)
{
    public const string ShortVariant = "A320";
    public const int ShortVariantTrain = 5;

    public static readonly string[] CustomClasses = ["circle", "square"];

    public string DtdSplit => Path.Combine(Root, "dtd", DatasetCatalog.Dtd.SplitFile);
    public string TruncatedJpeg => Path.Combine(Root, "eurosat", "2750", "annual_crop_train_0.jpg");
    public string MissingImage => Path.Combine(Root, "oxford_pets", "images", "abyssinian_train_1.png");
    public string PetsSplit => Path.Combine(Root, "oxford_pets", DatasetCatalog.OxfordPets.SplitFile);
    public string CaltechSplit => Path.Combine(Root, "caltech-101", DatasetCatalog.Caltech101.SplitFile);
    public string FoodSplit => Path.Combine(Root, "food-101", DatasetCatalog.Food101.SplitFile);
    public string ImageNetTrain => Path.Combine(Root, "imagenet", "images", "train");
    public string SymlinkLoop => Path.Combine(ImageNetTrain, "loop");
    public const string MissingWnid = "n00000002";
    public string ImageNetA => Path.Combine(Root, "imagenet-adversarial", "imagenet-a");

    public static DataCheckRoot Create(string root, bool planted)
    {
        var r = new DataCheckRoot(Path.GetFullPath(root), planted);
        var small = new SmokeDataOptions { Classes = 2, TrainPerClass = 16, ValPerClass = 1, TestPerClass = 2, ImageSize = 16 };

        SmokeData.CreateCoOp(r.Root, DatasetCatalog.Dtd, small with { Seed = 1, Style = SmokeImageStyle.Textures, ClassNames = ["banded", "bumpy"] });
        SmokeData.CreateCoOp(r.Root, DatasetCatalog.EuroSat, small with { Seed = 2, ClassNames = ["annual_crop", "forest"] });
        SmokeData.CreateCoOp(r.Root, DatasetCatalog.OxfordPets, small with { Seed = 3, ClassNames = ["abyssinian", "beagle"] });
        SmokeData.CreateCoOp(r.Root, DatasetCatalog.Caltech101, small with { Seed = 4, ClassNames = ["accordion", "airplanes"] });
        SmokeData.CreateCoOp(r.Root, DatasetCatalog.Food101, small with { Seed = 5, ClassNames = ["apple_pie", "baklava"] });
        WriteFgvc(Path.Combine(r.Root, "fgvc_aircraft"), planted ? ShortVariantTrain : 16);
        SmokeData.CreateImageNet(r.Root, small with { Classes = 3, Seed = 6 });
        SmokeData.CreateImageNetVariant(r.Root, DatasetCatalog.ImageNetA, small with { Classes = 3, Seed = 7 });
        var custom = DatasetInfo.CustomCoOp("MyShapes", "my-shapes", "a drawing of a {}.", 2, "made by DataCheckRoot");
        SmokeData.CreateCoOp(r.Root, custom, small with { Seed = 8, ClassNames = CustomClasses });
        CustomDatasetFile.Write(r.Root, custom);
        if (planted) r.Plant();
        return r;
    }

    private void Plant()
    {
        string dtd = File.ReadAllText(DtdSplit);
        File.WriteAllText(DtdSplit, dtd[..(dtd.Length / 2)]);

        byte[] jpeg = File.ReadAllBytes(TruncatedJpeg);
        File.WriteAllBytes(TruncatedJpeg, jpeg[..(jpeg.Length - 40)]); // the scan data's end and the EOI marker are gone

        File.Delete(MissingImage);
        EditSplit(PetsSplit, s => s["train"]!.AsArray().Add(s["train"]![2]!.DeepClone()));

        EditSplit(CaltechSplit, s =>
        {
            // The last train entry of class 1 claims label 0; the test entries of class 1 go.
            var train = s["train"]!.AsArray();
            train[31]![1] = 0;
            var test = s["test"]!.AsArray();
            foreach (var item in test.Where(i => (int)i![1]! == 1).ToArray()) test.Remove(item);
        });

        EditSplit(FoodSplit, s => s["train"]![0]![1] = "0");

        Directory.Delete(Path.Combine(ImageNetTrain, MissingWnid), recursive: true);
        Directory.CreateSymbolicLink(SymlinkLoop, ".");

        Directory.Delete(Path.Combine(ImageNetA, "n00000003"), recursive: true);
    }

    private static void EditSplit(string path, Action<JsonNode> edit)
    {
        var node = JsonNode.Parse(File.ReadAllText(path))!;
        edit(node);
        File.WriteAllText(path, node.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));
    }

    // FGVC-Aircraft's own text files: variants.txt, images_variant_{train,val,test}.txt, images/<id>.jpg.
    private static void WriteFgvc(string dir, int shortTrain)
    {
        string[] variants = ["707-320", ShortVariant, "Cessna 172"];
        File.WriteAllLines(Path.Combine(Directory.CreateDirectory(dir).FullName, FgvcAircraftSplitReader.VariantsFile), variants);
        int id = 1_000_000;
        foreach (var (split, perClass) in new[] { ("train", 16), ("val", 1), ("test", 2) })
        {
            var lines = new List<string>();
            for (int c = 0; c < variants.Length; c++)
            {
                int count = split == "train" && variants[c] == ShortVariant ? shortTrain : perClass;
                for (int i = 0; i < count; i++, id++)
                {
                    SmokeImages.Write(Path.Combine(dir, "images", $"{id}.jpg"), SmokeImageStyle.Shapes, c, variants.Length, id, 16);
                    lines.Add($"{id} {variants[c]}");
                }
            }
            File.WriteAllLines(Path.Combine(dir, $"images_variant_{split}.txt"), lines);
        }
    }
}
