namespace BlockLora.Data;

/// <summary>
/// What a layout's inspector read from a dataset's split files or class folders, without stopping at the first
/// problem: class names by label, the entries of each split, and the issues met on the way. <see cref="DatasetInspector"/>
/// runs the checks every layout shares (files exist, duplicates, classes without images) over it.
/// </summary>
internal sealed class SplitInventory
{
    public static readonly string[] SplitNames = ["train", "val", "test"];

    private readonly Dictionary<string, List<SplitEntry>> _entries = SplitNames.ToDictionary(s => s, _ => new List<SplitEntry>());
    private readonly List<string?> _classNames = [];

    /// <summary>Class names by label; null for a label no entry named.</summary>
    public IReadOnlyList<string?> ClassNames => _classNames;

    public List<DatasetIssue> Issues { get; } = [];

    /// <summary>False when the splits could not be read at all (unreadable or malformed file): counts mean nothing then.</summary>
    public bool Readable { get; set; } = true;

    /// <summary>True where files come from listing folders (ImageNet and its variants): they exist and cannot repeat.</summary>
    public bool Listed { get; init; }

    /// <summary>ImageNet evaluates on its val folder: val and test are one list, stored as test.</summary>
    public bool ValIsTest { get; init; }

    /// <summary>Folders the images are in that could not be listed; their files are not checked one by one.</summary>
    public HashSet<string> UnlistableFolders { get; } = new(StringComparer.Ordinal);

    public IReadOnlyList<SplitEntry> this[string split] => _entries[split];

    public IEnumerable<SplitEntry> All => SplitNames.SelectMany(s => _entries[s]);

    public void Add(SplitEntry entry) => _entries[entry.Split].Add(entry);

    public void SetClassName(int label, string name)
    {
        while (_classNames.Count <= label) _classNames.Add(null);
        _classNames[label] ??= name;
    }
}
