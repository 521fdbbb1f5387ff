using BlockLora.Data;

namespace BlockLora.Tests.Data;

public sealed class FgvcAircraftSplitReaderTests : IDisposable
{
    private readonly DataTestDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string CreateLayout()
    {
        string dir = _dir.Combine("fgvc_aircraft");
        Directory.CreateDirectory(Path.Combine(dir, "images"));
        // Deliberately not sorted: CoOp labels variants by line order, so "A320" must get label 0.
        File.WriteAllLines(Path.Combine(dir, "variants.txt"), ["A320", "737-800", "F/A-18", "BAE 146-200"]);
        File.WriteAllLines(Path.Combine(dir, "images_variant_train.txt"), ["1000001 A320", "1000002 BAE 146-200", "1000003 F/A-18"]);
        File.WriteAllLines(Path.Combine(dir, "images_variant_val.txt"), ["1000004 737-800"]);
        File.WriteAllLines(Path.Combine(dir, "images_variant_test.txt"), ["1000005 737-800", "", "1000006 A320"]);
        return dir;
    }

    [Fact]
    public void Labels_follow_the_line_order_of_variants_txt()
    {
        string dir = CreateLayout();
        DatasetSplits splits = DatasetReader.Read(_dir.Path, "FGVCAircraft");
        Assert.Equal(["A320", "737-800", "F/A-18", "BAE 146-200"], splits.ClassNames);
        Assert.Equal([0, 3, 2], splits.Train.Select(i => i.Label));
        Assert.Equal("BAE 146-200", splits.Train[1].ClassName);
        Assert.Equal(Path.Combine(dir, "images", "1000002.jpg"), splits.Train[1].Path);
        Assert.Single(splits.Val);
        Assert.Equal([1, 0], splits.Test.Select(i => i.Label));
        Assert.Equal("a photo of a BAE 146-200, a type of aircraft.", splits.Prompts[3]);
    }

    [Fact]
    public void Unknown_variant_is_an_error_naming_the_file_and_line()
    {
        string dir = CreateLayout();
        File.WriteAllLines(Path.Combine(dir, "images_variant_test.txt"), ["1000005 737-800", "1000006 Concorde"]);
        var error = Assert.Throws<InvalidDataException>(() => DatasetReader.Read(_dir.Path, "FGVCAircraft"));
        Assert.Contains("images_variant_test.txt: line 2: variant 'Concorde' is not in variants.txt", error.Message);
    }

    [Fact]
    public void Missing_split_text_file_is_reported()
    {
        string dir = CreateLayout();
        File.Delete(Path.Combine(dir, "images_variant_val.txt"));
        var error = Assert.Throws<DatasetLayoutException>(() => DatasetReader.Read(_dir.Path, "FGVCAircraft"));
        Assert.Equal(Path.Combine(dir, "images_variant_val.txt"), error.Path);
        Assert.Contains("fgvc-aircraft-2013b/data", error.Fix);
    }
}
