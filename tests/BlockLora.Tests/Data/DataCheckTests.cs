using BlockLora.Data;

namespace BlockLora.Tests.Data;

public sealed class DataCheckTests : IDisposable
{
    private readonly DataTestDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Reports_present_and_missing_datasets_with_fixes()
    {
        TinyCoOpDataset.Create(_dir.Path, 2, 1, 1, seed: 1);
        Directory.CreateDirectory(_dir.Combine("dtd", "images")); // images but no split file

        IReadOnlyList<DatasetCheckResult> results = DataCheck.Run(_dir.Path);

        Assert.Equal(DatasetCatalog.All, results.Select(r => r.Dataset));
        DatasetCheckResult pets = results.Single(r => r.Dataset.Name == "OxfordPets");
        Assert.True(pets.IsPresent);
        Assert.Equal(_dir.Combine("oxford_pets", "images"), pets.Location!.ImageDirectory);

        DatasetCheckResult dtd = results.Single(r => r.Dataset.Name == "DTD");
        Assert.False(dtd.IsPresent);
        Assert.Equal(_dir.Combine("dtd", "split_zhou_DescribableTextures.json"), dtd.MissingPath);
        Assert.Contains("download split_zhou_DescribableTextures.json from the CoOp repository", dtd.Fix);

        DatasetCheckResult imagenet = results.Single(r => r.Dataset.Name == "ImageNet");
        Assert.Equal("missing", imagenet.Status);
        Assert.Contains("ImageNet must be downloaded manually from image-net.org (account needed)", imagenet.Fix);

        Assert.Equal(1, results.Count(r => r.IsPresent));
        var missing = Assert.Throws<DatasetLayoutException>(() => dtd.EnsurePresent());
        Assert.Contains(dtd.MissingPath!, missing.Message);
    }

    [Fact]
    public void Formats_a_one_row_per_dataset_table()
    {
        string table = DataCheck.FormatTable(DataCheck.Run(_dir.Path));
        string[] lines = table.TrimEnd('\n').Split('\n');
        Assert.Equal(1 + DatasetCatalog.All.Count, lines.Length);
        Assert.StartsWith("dataset", lines[0]);
        foreach (DatasetInfo dataset in DatasetCatalog.All) Assert.Contains(lines, l => l.StartsWith(dataset.Name + " ", StringComparison.Ordinal));
        Assert.All(lines.Skip(1), l => Assert.Contains("missing", l));
    }
}
