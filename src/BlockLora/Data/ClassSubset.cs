namespace BlockLora.Data;

/// <summary>Which classes of a dataset a run uses: all of them, or one half of the base-to-new protocol.</summary>
public enum ClassSubset
{
    All,
    /// <summary>The first ⌈C/2⌉ label ids (CoOp's <c>subsample_classes</c>): what base-to-new trains and is scored on.</summary>
    Base,
    /// <summary>The other ⌊C/2⌋, relabelled from 0: never trained on, scored with their own names only.</summary>
    New,
}

/// <summary>
/// The base-to-new split as CoOp's code makes it (<c>datasets/oxford_pets.py</c> <c>subsample_classes</c>): the dataset's
/// label ids sorted, the first ⌈C/2⌉ are base, the rest new, each half relabelled from 0 in label order. It is applied
/// to the class list of the dataset's own split file, so a user's split JSON defines it, and it does not depend on the
/// order of the entries in the file.
/// </summary>
public static class ClassSubsets
{
    public static string Format(ClassSubset subset) => subset switch
    {
        ClassSubset.All => "all",
        ClassSubset.Base => "base",
        ClassSubset.New => "new",
        _ => throw new ArgumentOutOfRangeException(nameof(subset), subset, null),
    };

    public static ClassSubset Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "all" => ClassSubset.All,
        "base" => ClassSubset.Base,
        "new" or "novel" => ClassSubset.New,
        _ => throw new ArgumentException($"unknown class subset '{text}' (use all, base or new)"),
    };

    /// <summary>The original label ids of a subset of <paramref name="classCount"/> classes, ascending.</summary>
    public static IReadOnlyList<int> Labels(ClassSubset subset, int classCount, string dataset)
    {
        if (subset == ClassSubset.All) return Enumerable.Range(0, classCount).ToArray();
        if (classCount < 2)
            throw new ArgumentException($"{dataset} has {classCount} class{(classCount == 1 ? "" : "es")}; the base/new split needs at least 2");
        int baseCount = (classCount + 1) / 2; // ⌈C/2⌉
        return subset == ClassSubset.Base ? Enumerable.Range(0, baseCount).ToArray() : Enumerable.Range(baseCount, classCount - baseCount).ToArray();
    }

    /// <summary>
    /// The splits restricted to a subset, labels renumbered from 0 in label order and class names to match. Checks that
    /// every kept class has test images (a half without them could not be scored).
    /// </summary>
    public static DatasetSplits Apply(DatasetSplits splits, ClassSubset subset)
    {
        if (subset == ClassSubset.All) return splits;
        var labels = Labels(subset, splits.ClassNames.Count, splits.Dataset.Name);
        var relabel = labels.Select((old, i) => (old, i)).ToDictionary(p => p.old, p => p.i);
        IReadOnlyList<LabeledImage> Keep(IReadOnlyList<LabeledImage> items) =>
            items.Where(x => relabel.ContainsKey(x.Label)).Select(x => x with { Label = relabel[x.Label] }).ToArray();
        var test = Keep(splits.Test);
        var withTest = test.Select(x => x.Label).ToHashSet();
        var missing = labels.Where(old => !withTest.Contains(relabel[old])).ToArray();
        if (missing.Length > 0)
            throw new InvalidDataException($"{splits.Location.SplitFilePath}: the test split has no image of class '{splits.ClassNames[missing[0]]}' (label {missing[0]}), which the {Format(subset)} half needs to be scored{(missing.Length > 1 ? $" ({missing.Length} such classes)" : "")}");
        return splits with
        {
            ClassNames = labels.Select(old => splits.ClassNames[old]).ToArray(),
            Train = Keep(splits.Train),
            Val = Keep(splits.Val),
            Test = test,
        };
    }
}
