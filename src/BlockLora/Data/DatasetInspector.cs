namespace BlockLora.Data;

/// <summary>
/// The cheap checks of one dataset under a data root, the ones training relies on: split files parse and are
/// well-typed, labels are consistent, every image a split names exists, no entry repeats, every class has train and test
/// images, and how many train images the shortest class has against the protocol's largest k. Nothing is decoded (that is
/// <see cref="ImageVerifier"/>'s job, behind <c>--verify</c>); ImageNet costs one listing of each class folder.
/// <para>
/// Severity, decided once here: a class with fewer than <see cref="ProtocolMaxShots"/> train images is a warning (k-shot
/// runs sample it with repetition, and the report names the largest k it supports without); a class with no train images
/// at all is a problem, because no k can be sampled for it and in the benchmarks it only happens when an extraction or a
/// split file is broken. Missing, unreadable or looping files, malformed split files, bad labels, repeated entries and
/// classes without test images are problems. A class count other than the benchmark's is a warning (small stand-ins and
/// custom subsets are legitimate).
/// </para>
/// </summary>
public static class DatasetInspector
{
    /// <summary>The largest k of the few-shot protocol (docs/method.md).</summary>
    public const int ProtocolMaxShots = 16;

    /// <summary>The protocol's shot counts.</summary>
    public static IReadOnlyList<int> ProtocolShots { get; } = [1, 2, 4, 8, 16];

    /// <summary>Inspects <paramref name="dataset"/> under <paramref name="root"/> without decoding any image.</summary>
    public static DatasetReport Inspect(string root, DatasetInfo dataset) => Inspect(root, dataset, out _);

    /// <param name="images">The distinct image files the splits name that exist, for <see cref="ImageVerifier"/>.</param>
    internal static DatasetReport Inspect(string root, DatasetInfo dataset, out IReadOnlyList<string> images)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(dataset);
        images = [];
        string full = Path.GetFullPath(root);
        DatasetPresence layout = DatasetLayout.Probe(full, dataset);
        if (!layout.IsPresent)
        {
            if (layout.MissingPath is { } missing && FolderAccess.FirstUnlistable(full, missing) is { } dir && dir != full)
                return DatasetReport.Missing(layout) with
                {
                    IsPresent = true,
                    Issues = [DatasetIssue.Problem(DatasetIssueKind.Unreadable, dir, "", $"cannot list the folder ({FolderAccess.ListProblem(dir)}), so {dataset.Name} cannot be read")],
                };
            return DatasetReport.Missing(layout);
        }
        DatasetLocation location = layout.Location!;
        SplitParse inventory = SplitFormats.Parse(location);
        var issues = new List<DatasetIssue>(inventory.Issues);
        images = CheckFiles(location, inventory, issues);
        if (!inventory.Listed) issues.AddRange(Duplicates(inventory));
        return Summarise(layout, inventory, issues);
    }

    private static IReadOnlyList<string> CheckFiles(DatasetLocation location, SplitParse inventory, List<DatasetIssue> issues)
    {
        if (!inventory.Listed && FolderAccess.ListProblem(location.ImageDirectory) is { } why)
        {
            issues.Add(DatasetIssue.Problem(DatasetIssueKind.Unreadable, location.ImageDirectory, "", $"cannot list the image folder ({why}), so no image in it can be opened"));
            return [];
        }
        var ok = new HashSet<string>(StringComparer.Ordinal);
        var bad = new Dictionary<(string File, ImageFileProbe.State State), List<string>>();
        foreach (SplitEntry entry in inventory.All)
        {
            if (ok.Contains(entry.Path)) continue;
            ImageFileProbe.State state = entry.NeedsProbe ? ImageFileProbe.Check(entry.Path) : ImageFileProbe.State.Ok;
            if (state == ImageFileProbe.State.Ok)
            {
                ok.Add(entry.Path);
                continue;
            }
            if (!bad.TryGetValue((entry.File, state), out var list)) bad[(entry.File, state)] = list = [];
            list.Add(entry.Example);
        }
        foreach (var ((file, state), examples) in bad)
        {
            var kind = state switch
            {
                ImageFileProbe.State.SymlinkLoop => DatasetIssueKind.SymlinkLoop,
                ImageFileProbe.State.Unreadable => DatasetIssueKind.Unreadable,
                _ => DatasetIssueKind.MissingImages,
            };
            string what = ImageFileProbe.Describe(state);
            issues.Add(DatasetIssue.Many(kind, file, examples, $"entry names an image file that {what}", $"entries name image files that {what}"));
        }
        return ok.ToArray();
    }

    // Within a split a repeat weighs one image twice; across train and test it leaks test images into training.
    private static IEnumerable<DatasetIssue> Duplicates(SplitParse inventory)
    {
        var repeats = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var firstIn = new Dictionary<string, Dictionary<string, SplitEntry>>();
        foreach (string split in SplitParse.SplitNames)
        {
            var first = firstIn[split] = new Dictionary<string, SplitEntry>(StringComparer.Ordinal);
            foreach (SplitEntry entry in inventory[split])
            {
                if (first.TryGetValue(entry.Path, out var earlier))
                {
                    if (!repeats.TryGetValue(entry.File, out var list)) repeats[entry.File] = list = [];
                    list.Add($"{entry.Example} repeats {earlier.Position}");
                }
                else
                {
                    first.Add(entry.Path, entry);
                }
            }
        }
        foreach (var (file, examples) in repeats)
            yield return DatasetIssue.Many(DatasetIssueKind.DuplicateEntries, file, examples, "entry repeats an earlier one of its split", "entries repeat earlier ones of their split");
        var leaked = inventory["test"].Where(e => firstIn["train"].ContainsKey(e.Path))
            .Select(e => $"{e.Example} is also {firstIn["train"][e.Path].Position}").Distinct().ToArray();
        if (leaked.Length > 0)
            yield return DatasetIssue.Many(DatasetIssueKind.DuplicateEntries, inventory["test"][0].File, leaked,
                "test image is also a train image", "test images are also train images");
    }

    private static DatasetReport Summarise(DatasetPresence layout, SplitParse inventory, List<DatasetIssue> issues)
    {
        DatasetInfo dataset = layout.Dataset;
        string splitFile = layout.Location!.SplitFilePath;
        int train = inventory["train"].Count, test = inventory["test"].Count;
        int val = inventory.ValIsTest ? test : inventory["val"].Count;
        int classes = inventory.ClassNames.Count;
        if (!inventory.Readable || classes == 0)
            return new DatasetReport(dataset, layout, true, classes, train, val, test, null, [], issues);

        string Name(int label) => inventory.ClassNames[label] ?? $"label {label}";
        int[] trainPerClass = PerClass(inventory["train"], classes);
        int[] testPerClass = PerClass(inventory["test"], classes);
        int? minTrain = null;
        var shortClasses = new List<(string, int)>();
        if (!dataset.IsTestOnly)
        {
            string trainSource = inventory["train"].FirstOrDefault()?.File ?? splitFile;
            var empty = Enumerable.Range(0, classes).Where(l => trainPerClass[l] == 0 && inventory.ClassNames[l] is not null)
                .Select(l => $"'{Name(l)}' (label {l})").ToArray();
            if (empty.Length > 0)
                issues.Add(DatasetIssue.Many(DatasetIssueKind.NoTrainImages, trainSource, empty,
                    "class has no train images (no k-shot subset can be drawn)", "classes have no train images (no k-shot subset can be drawn)"));
            minTrain = trainPerClass.Min();
            shortClasses = Enumerable.Range(0, classes).Where(l => trainPerClass[l] is > 0 and < ProtocolMaxShots)
                .OrderBy(l => trainPerClass[l]).ThenBy(l => l).Select(l => (Name(l), trainPerClass[l])).ToList();
            if (shortClasses.Count > 0)
            {
                int fewest = shortClasses[0].Item2;
                int largest = ProtocolShots.Where(k => k <= fewest).Max();
                issues.Add(DatasetIssue.Warning(DatasetIssueKind.ShortClasses, trainSource,
                    $"{shortClasses.Count} class(es) have fewer than {ProtocolMaxShots} train images (fewest: {fewest}), so {ProtocolMaxShots}-shot runs repeat images; "
                    + $"the largest k of the protocol without repetition is {largest}",
                    shortClasses.Select(c => $"'{c.Item1}' {c.Item2}").ToArray()));
            }
        }
        string testSource = inventory["test"].FirstOrDefault()?.File ?? splitFile;
        var untested = Enumerable.Range(0, classes).Where(l => testPerClass[l] == 0 && inventory.ClassNames[l] is not null)
            .Select(l => $"'{Name(l)}' (label {l})").ToArray();
        if (untested.Length > 0)
            issues.Add(DatasetIssue.Many(DatasetIssueKind.NoTestImages, testSource, untested,
                "class has no test images (its accuracy cannot be measured)", "classes have no test images (their accuracy cannot be measured)"));
        if (classes != dataset.ClassCount)
            issues.Add(DatasetIssue.Warning(DatasetIssueKind.ClassCount, splitFile,
                $"{classes} classes; {dataset.Name} has {dataset.ClassCount}, so results are not comparable with published ones"));
        return new DatasetReport(dataset, layout, true, classes, train, val, test, minTrain, shortClasses, issues);
    }

    private static int[] PerClass(IReadOnlyList<SplitEntry> entries, int classes)
    {
        var counts = new int[classes];
        foreach (SplitEntry entry in entries) counts[entry.Label]++;
        return counts;
    }
}
