using BlockLora.Data;

namespace BlockLora.Tests.Data;

/// <summary><see cref="DataCheck.RequireUsable"/>: the cheap checks in front of training, one line on the first problem.</summary>
public sealed class RequireUsableTests : IDisposable
{
    private readonly DataTestDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void A_malformed_split_stops_with_one_line_naming_the_dataset_the_file_and_the_position()
    {
        var root = DataCheckRoot.Create(_dir.Path, planted: true);

        var e = Assert.Throws<InvalidDataException>(() => DataCheck.RequireUsable(root.Root, ["MyShapes", "dtd"], CustomDatasetFile.Discover(root.Root)));

        Assert.StartsWith($"data check: DTD: {root.DtdSplit}: line 1, position ", e.Message);
        Assert.Contains("not valid JSON", e.Message);
        Assert.Contains("blora data check --root", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Warnings_and_undecodable_images_do_not_stop_it_but_missing_files_do()
    {
        var root = DataCheckRoot.Create(_dir.Path, planted: true);
        var custom = CustomDatasetFile.Discover(root.Root);

        // A short class warns; a truncated JPEG is only found by decoding, which the guard does not do (training skips and counts it).
        var reports = DataCheck.RequireUsable(root.Root, ["FGVCAircraft", "EuroSAT", "MyShapes"], custom);
        Assert.Equal(["FGVCAircraft", "EuroSAT", "MyShapes"], reports.Select(r => r.Dataset.Name));

        var e = Assert.Throws<InvalidDataException>(() => DataCheck.RequireUsable(root.Root, ["OxfordPets"], custom));
        Assert.StartsWith($"data check: OxfordPets: {root.PetsSplit}: 1 entry names an image file that does not exist ($.train[1] 'abyssinian_train_1.png'); 1 more problem(s)", e.Message);
    }

    [Fact]
    public void An_absent_dataset_keeps_its_fix_and_a_root_that_is_a_file_is_named()
    {
        var missing = Assert.Throws<DatasetLayoutException>(() => DataCheck.RequireUsable(_dir.Path, ["DTD"], []));
        Assert.Contains("fix: download", missing.Message);

        string file = _dir.Combine("not-a-folder");
        File.WriteAllText(file, "");
        var e = Assert.Throws<DatasetLayoutException>(() => DataCheck.RequireUsable(file, ["DTD"], []));
        Assert.StartsWith($"{file}: data root is a file, not a folder", e.Message);

        Assert.Throws<ArgumentException>(() => DataCheck.RequireUsable(_dir.Path, ["NoSuchSet"], []));
    }
}
