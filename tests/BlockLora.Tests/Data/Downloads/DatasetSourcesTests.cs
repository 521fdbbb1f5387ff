using BlockLora.Data.Downloads;

namespace BlockLora.Tests.Data.Downloads;

public class DatasetSourcesTests
{
    // The CoOp datasets of docs/method.md and the ImageNet variants, with CoOp's folder names.
    [Theory]
    [InlineData("ImageNet", "imagenet")]
    [InlineData("Caltech101", "caltech-101")]
    [InlineData("OxfordPets", "oxford_pets")]
    [InlineData("StanfordCars", "stanford_cars")]
    [InlineData("Flowers102", "oxford_flowers")]
    [InlineData("Food101", "food-101")]
    [InlineData("FGVCAircraft", "fgvc_aircraft")]
    [InlineData("SUN397", "sun397")]
    [InlineData("DTD", "dtd")]
    [InlineData("EuroSAT", "eurosat")]
    [InlineData("UCF101", "ucf101")]
    [InlineData("ImageNetV2", "imagenetv2")]
    [InlineData("ImageNetSketch", "imagenet-sketch")]
    [InlineData("ImageNetA", "imagenet-adversarial")]
    [InlineData("ImageNetR", "imagenet-rendition")]
    public void Every_dataset_is_listed_with_its_coop_folder(string name, string folder)
    {
        var source = DatasetSources.Find(DatasetSources.All, name);
        Assert.Equal(folder, source.Directory);
        Assert.Same(source, DatasetSources.Find(DatasetSources.All, folder));
    }

    [Theory]
    [InlineData("imagenet-a", "ImageNetA")]
    [InlineData("imagenet_sketch", "ImageNetSketch")]
    [InlineData("Flower102", "Flowers102")]
    [InlineData("oxford pets", "OxfordPets")]
    public void Names_are_matched_loosely(string given, string expected) =>
        Assert.Equal(expected, DatasetSources.Find(DatasetSources.All, given).Name);

    [Fact]
    public void Every_entry_is_well_formed()
    {
        Assert.Equal(15, DatasetSources.All.Count);
        Assert.Equal(DatasetSources.All.Count, DatasetSources.All.Select(d => d.Name).Distinct().Count());
        foreach (var file in DatasetSources.All.SelectMany(d => d.Files))
        {
            Assert.False(string.IsNullOrWhiteSpace(file.Origin), file.FileName);
            if (file.Url is { } url)
                Assert.True(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https", url);
            else
                Assert.False(string.IsNullOrWhiteSpace(file.ManualHint), file.FileName);
        }
    }

    [Fact]
    public void Every_coop_json_dataset_asks_for_its_split_file()
    {
        string[] withJson = ["Caltech101", "OxfordPets", "StanfordCars", "Flowers102", "Food101", "SUN397", "DTD", "EuroSAT", "UCF101"];
        foreach (string name in withJson)
        {
            var source = DatasetSources.Find(DatasetSources.All, name);
            Assert.Contains(source.Manual, m => m.AnyOf.Any(p => p.StartsWith("split_zhou_") && p.EndsWith(".json")));
        }
    }

    [Fact]
    public void Only_account_or_drive_hosted_data_is_manual()
    {
        var manualFiles = DatasetSources.All.SelectMany(d => d.Files.Where(f => f.IsManual).Select(f => $"{d.Name}/{f.FileName}")).Order(StringComparer.Ordinal);
        Assert.Equal(
            [
                "StanfordCars/car_devkit.tgz", "StanfordCars/cars_test.tgz", "StanfordCars/cars_test_annos_withlabels.mat",
                "StanfordCars/cars_train.tgz", "UCF101/UCF-101-midframes.zip",
            ],
            manualFiles);
        Assert.Empty(DatasetSources.Find(DatasetSources.All, "ImageNet").Files);
    }
}
