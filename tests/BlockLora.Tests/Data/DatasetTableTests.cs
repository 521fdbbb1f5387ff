using BlockLora.Data;
using BlockLora.Data.Downloads;

namespace BlockLora.Tests.Data;

/// <summary>
/// The catalog and the fetcher read one table. The names and folder names below are copied from the two tables this
/// one replaced (DatasetCatalog and Downloads/DatasetSources as they were), so a lookup that changed answer shows here.
/// </summary>
public sealed class DatasetTableTests
{
    public static TheoryData<string, string[]> NamesAndFolders => new()
    {
        { "ImageNet", ["imagenet"] },
        { "Caltech101", ["caltech-101", "Caltech101"] },
        { "OxfordPets", ["oxford_pets", "OxfordPets"] },
        { "StanfordCars", ["stanford_cars", "StanfordCars"] },
        { "Flowers102", ["oxford_flowers", "Flower102"] },
        { "Food101", ["food-101", "Food101"] },
        { "FGVCAircraft", ["fgvc_aircraft"] },
        { "SUN397", ["sun397", "SUN397"] },
        { "DTD", ["dtd", "DTD"] },
        { "EuroSAT", ["eurosat"] },
        { "UCF101", ["ucf101", "UCF101"] },
        { "ImageNetV2", ["imagenetv2"] },
        { "ImageNetSketch", ["imagenet-sketch"] },
        { "ImageNetA", ["imagenet-adversarial"] },
        { "ImageNetR", ["imagenet-rendition"] },
    };

    [Theory]
    [MemberData(nameof(NamesAndFolders))]
    public void Every_name_and_folder_finds_the_same_dataset_in_the_catalog_and_the_fetcher(string name, string[] folders)
    {
        var info = DatasetCatalog.Get(name);
        Assert.Equal(folders, info.FolderNames);
        var source = DatasetSources.Find(DatasetSources.All, name);
        Assert.Equal(folders[0], source.Directory);
        Assert.Equal(folders[1..], source.OtherDirectories);
        foreach (string query in folders.Prepend(name).SelectMany(q => new[] { q, q.ToUpperInvariant(), q.Replace('_', '-') }))
        {
            Assert.Same(info, DatasetCatalog.Get(query));
            Assert.Same(source, DatasetSources.Find(DatasetSources.All, query));
        }
    }

    [Fact]
    public void The_fetcher_lists_the_catalog_in_its_order()
    {
        Assert.Equal(NamesAndFolders.Select(row => (string)row[0]), DatasetCatalog.All.Select(d => d.Name));
        Assert.Equal(DatasetCatalog.All.Select(d => d.Name), DatasetSources.All.Select(d => d.Name));
        Assert.Equal(DatasetCatalog.All.Select(d => d.Name), DatasetFetchers.Names);
    }

    [Fact]
    public void Every_dataset_has_download_steps_or_is_marked_manual_only()
    {
        foreach (var dataset in DatasetCatalog.All)
        {
            var download = dataset.Download;
            Assert.True(download is not null, $"{dataset.Name} has no download description");
            Assert.False(string.IsNullOrWhiteSpace(download.ApproximateSize), dataset.Name);
            if (download.IsManualOnly) Assert.NotEmpty(download.Manual);
            else Assert.True(download.Files.Count + download.Copies.Count > 0, dataset.Name);
        }
        Assert.Equal(["ImageNet"], DatasetCatalog.All.Where(d => d.Download!.IsManualOnly).Select(d => d.Name));
    }

    [Fact]
    public void The_fetcher_sees_the_catalogs_own_download_lists()
    {
        foreach (var (info, source) in DatasetCatalog.All.Zip(DatasetSources.All))
        {
            Assert.Same(info.Download!.Files, source.Files);
            Assert.Same(info.Download.Manual, source.Manual);
            Assert.Same(info.Download.Copies, source.Copies);
            Assert.Equal(info.Download.ApproximateSize, source.ApproximateSize);
        }
    }

    [Fact]
    public void A_manual_only_download_must_say_what_to_do()
    {
        Assert.ThrowsAny<ArgumentException>(() => DatasetDownload.ManualOnly("~1 GB", []));
        Assert.Null(DatasetInfo.CustomCoOp("MyBirds", "my_birds", "a photo of a {}.", 3, "a test").Download);
    }

    [Fact]
    public void A_name_outside_the_catalog_is_refused_by_both_with_the_valid_names()
    {
        var fromCatalog = Assert.Throws<ArgumentException>(() => DatasetCatalog.Get("CIFAR10"));
        var fromFetcher = Assert.Throws<ArgumentException>(() => DatasetSources.Find(DatasetSources.All, "CIFAR10"));
        Assert.Equal(fromCatalog.Message, fromFetcher.Message);
        // A catalog name missing from a mirror's own list is unknown to that list.
        var mirror = new[] { DatasetSources.Find(DatasetSources.All, "DTD") };
        var missing = Assert.Throws<ArgumentException>(() => DatasetSources.Find(mirror, "EuroSAT"));
        Assert.Equal("unknown dataset 'EuroSAT'; valid names: DTD", missing.Message);
    }
}
