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

        IReadOnlyList<DatasetReport> reports = DataCheck.Inspect(_dir.Path);

        Assert.Equal(DatasetCatalog.All, reports.Select(r => r.Dataset));
        DatasetReport pets = reports.Single(r => r.Dataset.Name == "OxfordPets");
        Assert.True(pets.IsPresent);
        Assert.Equal(_dir.Combine("oxford_pets", "images"), pets.Layout.Location!.ImageDirectory);

        DatasetReport dtd = reports.Single(r => r.Dataset.Name == "DTD");
        Assert.False(dtd.IsPresent);
        Assert.Equal(_dir.Combine("dtd", "split_zhou_DescribableTextures.json"), dtd.Layout.MissingPath);
        Assert.Contains("download split_zhou_DescribableTextures.json from the CoOp repository", dtd.Layout.Fix);

        DatasetReport imagenet = reports.Single(r => r.Dataset.Name == "ImageNet");
        Assert.Equal("missing", imagenet.Status);
        Assert.Contains("ImageNet must be downloaded manually from image-net.org (account needed)", imagenet.Layout.Fix);

        Assert.Equal(1, reports.Count(r => r.IsPresent));
        var missing = Assert.Throws<DatasetLayoutException>(() => dtd.Layout.EnsurePresent());
        Assert.Contains(dtd.Layout.MissingPath!, missing.Message);
    }

    [Fact]
    public void Formats_a_one_row_per_dataset_table()
    {
        string text = DataCheckSummary.FormatText(_dir.Path, DataCheck.Inspect(_dir.Path), verified: false);
        string[] lines = text.Split('\n');
        int header = Array.FindIndex(lines, l => l.StartsWith("dataset ", StringComparison.Ordinal));
        string[] rows = lines.Skip(header + 1).TakeWhile(l => l.Length > 0).ToArray();
        Assert.Equal(DatasetCatalog.All.Select(d => d.Name), rows.Select(r => r.Split(' ')[0]));
        Assert.All(rows, r => Assert.Equal("no", r.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]));
        foreach (DatasetInfo dataset in DatasetCatalog.All) Assert.Contains(lines, l => l.StartsWith($"  {dataset.Name}: ", StringComparison.Ordinal) && l.Contains("; fix: "));
    }
}
