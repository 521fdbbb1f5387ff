using BlockLora.Data;

namespace BlockLora.Tests.Data;

/// <summary>
/// Training's reader and the data check read a split file through one parser: what one refuses the other refuses, and
/// a run's guard and its own read parse the file once between them.
/// </summary>
public sealed class SplitFormatTests : IDisposable
{
    private readonly DataTestDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string WriteSplit(string json)
    {
        string dir = _dir.Combine("oxford_pets");
        Directory.CreateDirectory(Path.Combine(dir, "images"));
        File.WriteAllBytes(Path.Combine(dir, "images", "a.jpg"), [0xFF, 0xD8, 0xFF, 0xD9]);
        string split = Path.Combine(dir, "split_zhou_OxfordPets.json");
        File.WriteAllText(split, json);
        return split;
    }

    // The reader used to take "" (the image folder itself) as an image and label 40 of 37 classes as a class of its own.
    [Theory]
    [InlineData("""{"train": [["a.jpg", 0, "cat"], ["", 0, "cat"]], "test": [["a.jpg", 0, "cat"]]}""", "train[1] is not [relative path, integer label, class name]", DatasetIssueKind.WrongEntryTypes)]
    [InlineData("""{"train": [["a.jpg", 0, "cat"], ["a.jpg", 40, "dog"]], "test": [["a.jpg", 0, "cat"]]}""", "train[1]: label 40 is outside 0..36 (OxfordPets has 37 classes)", DatasetIssueKind.LabelOutOfRange)]
    [InlineData("""{"train": [["a.jpg", 0, "cat"], ["a.jpg", 1, "cat"]], "test": [["a.jpg", 0, "cat"]]}""", "train[1]: 'cat' has label 1, but 0 at $.train[0]", DatasetIssueKind.InconsistentLabels)]
    public void Training_and_the_data_check_refuse_the_same_entry(string json, string readerError, DatasetIssueKind kind)
    {
        string split = WriteSplit(json);

        var error = Assert.Throws<InvalidDataException>(() => DatasetReader.Read(_dir.Path, "OxfordPets"));
        Assert.Equal($"{split}: {readerError}", error.Message);
        DatasetReport report = DatasetInspector.Inspect(_dir.Path, DatasetCatalog.OxfordPets);
        Assert.False(report.IsUsable);
        Assert.Contains(report.Problems, p => p.Kind == kind && p.File == split);
        var guard = Assert.Throws<InvalidDataException>(() => DataCheck.RequireUsable(_dir.Path, ["OxfordPets"], []));
        Assert.Contains(split, guard.Message);
    }

    [Fact]
    public void A_run_parses_its_split_file_once_and_again_after_it_changes()
    {
        var tiny = TinyCoOpDataset.Create(_dir.Combine("data"), classes: 2, trainPerClass: 2, testPerClass: 1, seed: 3);
        Assert.Equal(0, SplitFormats.ParsesOf(tiny.SplitFile));

        // What 'blora train' does: the guard before the model loads, then the run's own read.
        DataCheck.RequireUsable(tiny.Root, [tiny.DatasetName], []);
        DatasetSplits first = DatasetReader.Read(tiny.Root, tiny.DatasetName);
        Assert.Equal(1, SplitFormats.ParsesOf(tiny.SplitFile));

        string json = File.ReadAllText(tiny.SplitFile);
        File.WriteAllText(tiny.SplitFile, json + "\n");
        DatasetSplits second = DatasetReader.Read(tiny.Root, tiny.DatasetName);
        Assert.Equal(2, SplitFormats.ParsesOf(tiny.SplitFile));
        Assert.Equal(first.Train, second.Train);
    }
}
