using BlockLora.Data;

namespace BlockLora.Tests.Data;

/// <summary>The cheap checks (no decoding) on a root with every problem planted, and on the same root without them.</summary>
public sealed class DatasetInspectorTests : IDisposable
{
    private readonly DataTestDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static DatasetReport Report(IReadOnlyList<DatasetReport> reports, string name) => reports.Single(r => r.Dataset.Name == name);

    private static DatasetIssue Issue(DatasetReport report, DatasetIssueKind kind) => Assert.Single(report.Issues, i => i.Kind == kind);

    [Fact]
    public void Every_planted_problem_is_named_with_its_file_and_position()
    {
        var root = DataCheckRoot.Create(_dir.Path, planted: true);

        var reports = DataCheck.Inspect(root.Root);

        var dtd = Report(reports, "DTD");
        var malformed = Issue(dtd, DatasetIssueKind.MalformedSplitFile);
        Assert.Equal(root.DtdSplit, malformed.File);
        Assert.Matches(@"^line 1, position \d+$", malformed.Position);
        Assert.False(dtd.IsUsable);
        Assert.True(dtd.IsPresent);

        var pets = Report(reports, "OxfordPets");
        var missing = Issue(pets, DatasetIssueKind.MissingImages);
        Assert.Equal((root.PetsSplit, 1), (missing.File, missing.Count));
        Assert.Equal("$.train[1] 'abyssinian_train_1.png'", Assert.Single(missing.Examples));
        Assert.Contains("repeats $.train[2]", Assert.Single(Issue(pets, DatasetIssueKind.DuplicateEntries).Examples));

        var caltech = Report(reports, "Caltech101");
        var labels = Issue(caltech, DatasetIssueKind.InconsistentLabels);
        Assert.All(labels.Examples, e => Assert.StartsWith("$.train[31]: ", e));
        Assert.Contains(labels.Examples, e => e.Contains("'airplanes' has label 0, but 1 at $.train[16]", StringComparison.Ordinal));
        Assert.Equal("'airplanes' (label 1)", Assert.Single(Issue(caltech, DatasetIssueKind.NoTestImages).Examples));

        var food = Issue(Report(reports, "Food101"), DatasetIssueKind.WrongEntryTypes);
        Assert.Equal((root.FoodSplit, "$.train[0] [string, string, string]"), (food.File, Assert.Single(food.Examples)));

        var fgvc = Report(reports, "FGVCAircraft");
        Assert.True(fgvc.IsUsable); // a short class is a warning
        Assert.Equal(((int?)5, (int?)4), (fgvc.MinTrainPerClass, fgvc.LargestProtocolShots));
        Assert.Equal(new[] { (DataCheckRoot.ShortVariant, 5) }, fgvc.ShortClasses);
        Assert.Contains("'A320' 5", Issue(fgvc, DatasetIssueKind.ShortClasses).Examples);

        var imageNet = Report(reports, "ImageNet");
        var folders = Issue(imageNet, DatasetIssueKind.MissingClassFolders);
        Assert.Equal(root.ImageNetTrain, folders.File);
        Assert.StartsWith(DataCheckRoot.MissingWnid, Assert.Single(folders.Examples));
        var loop = Issue(imageNet, DatasetIssueKind.SymlinkLoop);
        Assert.True(loop.IsProblem);
        Assert.StartsWith("'loop' -> '.'", Assert.Single(loop.Examples));
        Assert.DoesNotContain(imageNet.Issues, i => i.Kind == DatasetIssueKind.UnknownClass); // the loop is not taken for a class folder

        var imageNetA = Issue(Report(reports, "ImageNetA"), DatasetIssueKind.MissingClassFolders);
        Assert.Equal((root.ImageNetA, true), (imageNetA.File, imageNetA.Message.StartsWith("2 class folders where 3 are expected", StringComparison.Ordinal)));

        // Not decoded without --verify: the truncated JPEG passes the cheap checks.
        Assert.True(Report(reports, "EuroSAT").IsUsable);
        Assert.True(Report(reports, "MyShapes").IsUsable);
        Assert.False(DataCheck.AllPresentUsable(reports));
        Assert.All(reports.SelectMany(r => r.Issues), i => Assert.DoesNotContain('\n', i.ToString()));
    }

    [Fact]
    public void The_same_root_without_the_problems_is_usable_and_counted()
    {
        var root = DataCheckRoot.Create(_dir.Path, planted: false);

        var reports = DataCheck.Inspect(root.Root);

        Assert.True(DataCheck.AllPresentUsable(reports));
        Assert.Equal(["ImageNet", "Caltech101", "OxfordPets", "Food101", "FGVCAircraft", "DTD", "EuroSAT", "ImageNetA", "MyShapes"],
            reports.Where(r => r.IsPresent).Select(r => r.Dataset.Name));
        var pets = Report(reports, "OxfordPets");
        Assert.Equal((2, 32, 2, 4, (int?)16, (int?)16), (pets.Classes, pets.Train, pets.Val, pets.Test, pets.MinTrainPerClass, pets.LargestProtocolShots));
        var imageNet = Report(reports, "ImageNet");
        Assert.Equal((3, 48, 6, 6), (imageNet.Classes, imageNet.Train, imageNet.Val, imageNet.Test)); // val doubles as test
        var imageNetA = Report(reports, "ImageNetA");
        Assert.Equal((3, 0, 6, (int?)null), (imageNetA.Classes, imageNetA.Train, imageNetA.Test, imageNetA.MinTrainPerClass));
        Assert.All(reports.Where(r => !r.IsPresent), r => Assert.NotNull(r.Layout.Fix));
    }

    [Fact]
    public void A_split_json_of_the_right_shape_with_wrong_types_names_each_entry()
    {
        var tiny = TinyCoOpDataset.Create(_dir.Path, classes: 2, trainPerClass: 2, testPerClass: 1, seed: 1);
        File.WriteAllText(tiny.SplitFile, """
            {"train": [["a.jpg", "0", "tiny_class_00"], [1, 0, "tiny_class_00"], ["b.jpg", 1.5, "tiny_class_01"], ["c.jpg", 1]],
             "val": {"x": 1}, "test": [["d.jpg", 0, 7]]}
            """);

        var report = DatasetInspector.Inspect(_dir.Path, DatasetCatalog.OxfordPets);

        var types = Issue(report, DatasetIssueKind.WrongEntryTypes);
        Assert.Equal(
            ["$.train[0] [string, string, string]", "$.train[1] [integer, integer, string]", "$.train[2] [string, non-integer number, string]",
             "$.train[3] [string, integer]", "$.test[0] [string, integer, integer]"],
            types.Examples);
        var shape = Issue(report, DatasetIssueKind.MalformedSplitFile);
        Assert.Equal(("$.val", "expected a list of [relative path, integer label, class name], found an object"), (shape.Position, shape.Message));
        Assert.False(report.IsUsable);
    }

    [Fact]
    public void Labels_out_of_range_and_gaps_are_problems()
    {
        var tiny = TinyCoOpDataset.Create(_dir.Path, classes: 2, trainPerClass: 1, testPerClass: 1, seed: 1);
        File.WriteAllText(tiny.SplitFile, """
            {"train": [["tiny_class_00_train_0.jpg", 0, "a"], ["tiny_class_01_train_0.png", 2, "c"], ["tiny_class_01_train_0.png", -1, "z"],
                       ["tiny_class_01_train_0.png", 37, "y"]],
             "test": [["tiny_class_00_test_0.png", 0, "a"], ["tiny_class_01_test_0.jpg", 2, "c"]]}
            """);

        var report = DatasetInspector.Inspect(_dir.Path, DatasetCatalog.OxfordPets);

        var ranges = report.Issues.Where(i => i.Kind == DatasetIssueKind.LabelOutOfRange).ToArray();
        Assert.Equal(2, ranges.Length);
        Assert.Equal(["$.train[2] label -1", "$.train[3] label 37"], ranges[0].Examples); // OxfordPets has 37 classes: 0..36
        Assert.Equal(["label 1"], ranges[1].Examples);
        Assert.Contains("do not run 0..N-1", ranges[1].Message);
    }

    [Fact]
    public async Task A_link_loop_named_as_an_image_and_a_link_up_inside_a_class_folder_neither_hang_nor_pass()
    {
        SmokeData.CreateImageNet(_dir.Path, new SmokeDataOptions { Classes = 2, TrainPerClass = 16, TestPerClass = 1, ImageSize = 16 });
        string classDir = _dir.Combine("imagenet", "images", "val", "n00000001");
        File.CreateSymbolicLink(Path.Combine(classDir, "self.JPEG"), "self.JPEG");
        Directory.CreateSymbolicLink(Path.Combine(classDir, "up"), "..");
        File.CreateSymbolicLink(Path.Combine(classDir, "gone.JPEG"), "nowhere.JPEG");

        var report = await Task.Run(() => DatasetInspector.Inspect(_dir.Path, DatasetCatalog.ImageNet)).WaitAsync(TimeSpan.FromSeconds(30));

        var loop = Assert.Single(report.Problems, i => i.Kind == DatasetIssueKind.SymlinkLoop);
        Assert.Equal("val/n00000001 'self.JPEG'", Assert.Single(loop.Examples));
        Assert.Equal("val/n00000001 'gone.JPEG'", Assert.Single(Issue(report, DatasetIssueKind.MissingImages).Examples));
        var up = Assert.Single(report.Warnings, i => i.Kind == DatasetIssueKind.SymlinkLoop);
        Assert.Equal(Path.Combine(classDir, "up"), up.File);
    }

    [Fact]
    public void An_image_folder_that_is_a_file_and_a_split_entry_that_is_a_folder_are_named()
    {
        var tiny = TinyCoOpDataset.Create(_dir.Path, classes: 1, trainPerClass: 1, testPerClass: 1, seed: 1);
        File.Delete(Path.Combine(tiny.ImageDirectory, "tiny_class_00_train_0.jpg"));
        Directory.CreateDirectory(Path.Combine(tiny.ImageDirectory, "tiny_class_00_train_0.jpg"));

        var report = DatasetInspector.Inspect(_dir.Path, DatasetCatalog.OxfordPets);

        var missing = Issue(report, DatasetIssueKind.MissingImages);
        Assert.Contains("is a folder, not a file", missing.Message);
    }
}
