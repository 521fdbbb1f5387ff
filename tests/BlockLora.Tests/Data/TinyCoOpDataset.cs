using System.Text.Json;
using BlockLora.Data;

namespace BlockLora.Tests.Data;

/// <summary>What <see cref="TinyCoOpDataset.Create"/> made: pass <see cref="Root"/> and <see cref="DatasetName"/> to <see cref="DatasetReader.Read(string, string)"/>.</summary>
public sealed record TinyCoOpDatasetInfo(string Root, string DatasetName, IReadOnlyList<string> ClassNames, string DatasetDirectory, string ImageDirectory, string SplitFile);

/// <summary>
/// A miniature dataset in CoOp's OxfordPets layout (<c>root/oxford_pets/images/*</c> and
/// <c>root/oxford_pets/split_zhou_OxfordPets.json</c>), so everything downstream (reader, sampler,
/// loader, trainer) runs on it exactly as on the real benchmark. Images alternate JPEG and PNG and
/// differ by class; names carry underscores to exercise the prompt conversion.
/// </summary>
public static class TinyCoOpDataset
{
    public static string DatasetName => DatasetCatalog.OxfordPets.Name;

    public static TinyCoOpDatasetInfo Create(string root, int classes, int trainPerClass, int testPerClass, int seed, int valPerClass = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classes);
        ArgumentOutOfRangeException.ThrowIfNegative(trainPerClass);
        ArgumentOutOfRangeException.ThrowIfNegative(testPerClass);
        ArgumentOutOfRangeException.ThrowIfNegative(valPerClass);
        DatasetInfo layout = DatasetCatalog.OxfordPets;
        string datasetDir = Path.Combine(Path.GetFullPath(root), layout.PrimaryFolderName);
        string imageDir = Path.Combine(datasetDir, layout.ImageSubfolder);
        Directory.CreateDirectory(imageDir);

        var classNames = Enumerable.Range(0, classes).Select(c => $"tiny_class_{c:D2}").ToArray();
        var splits = new Dictionary<string, List<object[]>> { ["train"] = [], ["val"] = [], ["test"] = [] };
        int imageNumber = 0;
        for (int c = 0; c < classes; c++)
        {
            foreach (var (split, count) in new[] { ("train", trainPerClass), ("val", valPerClass), ("test", testPerClass) })
            {
                for (int i = 0; i < count; i++)
                {
                    string extension = imageNumber % 2 == 0 ? ".jpg" : ".png";
                    string relative = $"{classNames[c]}_{split}_{i}{extension}";
                    SyntheticImages.Write(Path.Combine(imageDir, relative), c, classes, unchecked((seed * 100_003) + imageNumber));
                    splits[split].Add([relative, c, classNames[c]]);
                    imageNumber++;
                }
            }
        }
        string splitFile = Path.Combine(datasetDir, layout.SplitFile);
        File.WriteAllText(splitFile, JsonSerializer.Serialize(splits));
        return new TinyCoOpDatasetInfo(Path.GetFullPath(root), DatasetName, classNames, datasetDir, imageDir, splitFile);
    }
}
