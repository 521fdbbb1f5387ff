namespace BlockLora.Data;

/// <summary>
/// What <see cref="DatasetInspector"/> found for one dataset under a data root: whether it is there, its classes and
/// images per split, the fewest train images of any class, and every <see cref="DatasetIssue"/>. A dataset is usable
/// when it is present and has no problem (warnings allowed); an absent one carries <see cref="Layout"/>'s fix instead.
/// </summary>
/// <param name="Layout">Where the dataset is, or the first missing path and how to get it.</param>
/// <param name="IsPresent">Its folders and split files are there (possibly unreadable or broken: see <see cref="Issues"/>).</param>
/// <param name="Classes">Classes the split files (or class folders) define.</param>
/// <param name="MinTrainPerClass">The fewest train images of any class; null for test-only datasets and when the splits could not be read.</param>
/// <param name="ShortClasses">Classes with fewer than <see cref="DatasetInspector.ProtocolMaxShots"/> train images and their counts, fewest first.</param>
public sealed record DatasetReport(
    DatasetInfo Dataset,
    DatasetPresence Layout,
    bool IsPresent,
    int Classes,
    int Train,
    int Val,
    int Test,
    int? MinTrainPerClass,
    IReadOnlyList<(string Name, int Train)> ShortClasses,
    IReadOnlyList<DatasetIssue> Issues)
{
    public bool IsUsable => IsPresent && !Issues.Any(i => i.IsProblem);

    public IReadOnlyList<DatasetIssue> Problems => Issues.Where(i => i.IsProblem).ToArray();

    public IReadOnlyList<DatasetIssue> Warnings => Issues.Where(i => !i.IsProblem).ToArray();

    /// <summary>"usable", "problems" or "missing", for tables.</summary>
    public string Status => !IsPresent ? "missing" : IsUsable ? "usable" : "problems";

    /// <summary>The largest k of the protocol (1, 2, 4, 8, 16) every class has distinct train images for; null when there is none.</summary>
    public int? LargestProtocolShots =>
        MinTrainPerClass is int min ? DatasetInspector.ProtocolShots.Where(k => k <= min).Cast<int?>().LastOrDefault() : null;

    internal static DatasetReport Missing(DatasetPresence layout) => new(layout.Dataset, layout, false, 0, 0, 0, 0, null, [], []);

    internal DatasetReport WithIssues(IEnumerable<DatasetIssue> more) => this with { Issues = [.. Issues, .. more] };
}
