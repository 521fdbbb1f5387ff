using BlockLora.Data;

namespace BlockLora.Tests.Data;

public sealed class FewShotFileTests : IDisposable
{
    private readonly DataTestDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private DatasetSplits Tiny() => DatasetReader.Read(TinyCoOpDataset.Create(_dir.Combine("data"), 3, 3, 1, seed: 5).Root, "OxfordPets");

    [Fact]
    public void FewShotSplitFile_round_trips_with_relative_paths()
    {
        DatasetSplits splits = Tiny();
        FewShotSelection selection = FewShotSampler.Sample(splits, 4, 1);
        string file = _dir.Combine("run", "fewshot.json");
        FewShotSplitFile.Write(file, selection, relativeTo: splits.Location.ImageDirectory);

        string text = File.ReadAllText(file);
        Assert.DoesNotContain(splits.Location.ImageDirectory, text); // portable: no machine paths
        Assert.Contains("\"format\": \"blora-fewshot-split\"", text);

        FewShotSelection back = FewShotSplitFile.Read(file, splits.Location.ImageDirectory);
        Assert.Equal(selection.Items, back.Items);
        Assert.Equal(selection.ClassNames, back.ClassNames);
        Assert.Equal((selection.DatasetName, selection.Shots, selection.Seed, selection.ClassesWithRepetition),
            (back.DatasetName, back.Shots, back.Seed, back.ClassesWithRepetition));
        Assert.Equal(3, back.ClassesWithRepetition); // every tiny class has 3 train images, fewer than 4 shots
    }

    [Fact]
    public void FewShotSplitFile_with_absolute_paths_needs_no_base_folder()
    {
        DatasetSplits splits = Tiny();
        FewShotSelection selection = FewShotSampler.Sample(splits, 2, 3);
        string file = _dir.Combine("run", "fewshot.json");
        FewShotSplitFile.Write(file, selection);
        Assert.Equal(selection.Items, FewShotSplitFile.Read(file).Items);
    }

    [Fact]
    public void Relative_paths_without_a_base_folder_are_an_error()
    {
        DatasetSplits splits = Tiny();
        string file = _dir.Combine("fewshot.json");
        FewShotSplitFile.Write(file, FewShotSampler.Sample(splits, 1, 1), splits.Location.ImageDirectory);
        var error = Assert.Throws<InvalidDataException>(() => FewShotSplitFile.Read(file));
        Assert.Contains("is a relative path", error.Message);
    }

    [Fact]
    public void TwoSfs_jsonl_round_trips()
    {
        DatasetSplits splits = Tiny();
        FewShotSelection selection = FewShotSampler.Sample(splits, 2, 1);
        string file = _dir.Combine(TwoSfsSplitFile.FileName(2, 1, "train"));
        Assert.EndsWith("shot_2-seed_1_train.jsonl", file);

        TwoSfsSplitFile.Write(file, selection.Items, relativeTo: splits.Location.DatasetDirectory);
        string[] lines = File.ReadAllLines(file);
        Assert.Equal(selection.Items.Count, lines.Length);
        Assert.StartsWith("{\"_impath\":\"images/", lines[0]);

        Assert.Equal(selection.Items, TwoSfsSplitFile.Read(file, splits.Location));
    }

    [Fact]
    public void TwoSfs_paths_from_another_machine_resolve_under_the_dataset()
    {
        DatasetSplits splits = Tiny();
        LabeledImage first = splits.Train[0], second = splits.Train[4];
        string name1 = Path.GetFileName(first.Path), name2 = Path.GetFileName(second.Path);
        string file = _dir.Combine("shot_1-seed_1_train.jsonl");
        File.WriteAllLines(file,
        [
            $$"""{"_impath": "/home/someone/DATA/oxford_pets/images/{{name1}}", "_label": {{first.Label}}, "_classname": "{{first.ClassName}}", "_domain": 0}""",
            "",
            $$"""{"_impath": "{{name2}}", "_label": {{second.Label}}, "_classname": "{{second.ClassName}}"}""",
        ]);
        Assert.Equal([first, second], TwoSfsSplitFile.Read(file, splits.Location));
        Assert.Equal("/home/someone/DATA/oxford_pets/images/" + name1, TwoSfsSplitFile.ReadRaw(file)[0].Path);
    }

    [Fact]
    public void TwoSfs_unresolvable_image_or_bad_line_is_an_error_naming_the_line()
    {
        DatasetSplits splits = Tiny();
        string file = _dir.Combine("shot_1-seed_1_val.jsonl");
        File.WriteAllLines(file, ["""{"_impath": "/elsewhere/missing.jpg", "_label": 0, "_classname": "x"}"""]);
        var missing = Assert.Throws<DatasetLayoutException>(() => TwoSfsSplitFile.Read(file, splits.Location));
        Assert.Contains("item 1: image '/elsewhere/missing.jpg' not found under", missing.Message);

        File.WriteAllLines(file, ["""{"_impath": "a.jpg", "_label": 0, "_classname": "x"}""", """{"_impath": "a.jpg", "_label": "zero"}"""]);
        var bad = Assert.Throws<InvalidDataException>(() => TwoSfsSplitFile.ReadRaw(file));
        Assert.Contains("line 2: expected an object with string _impath, integer _label and string _classname", bad.Message);
    }
}
