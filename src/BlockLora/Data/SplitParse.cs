using System.Runtime.ExceptionServices;

namespace BlockLora.Data;

/// <summary>
/// What an <see cref="ISplitFormat"/> read from a dataset's split files or class folders, without stopping at the first
/// problem: class names by label, the entries of each split, the issues met on the way and, for the reader, the first of
/// them as the error it throws. <see cref="DatasetInspector"/> runs the checks every layout shares (files exist,
/// duplicates, classes without images) over it; <see cref="ToSplits"/> is what training reads.
/// </summary>
internal sealed class SplitParse
{
    public static readonly string[] SplitNames = ["train", "val", "test"];

    private readonly Dictionary<string, List<SplitEntry>> _entries = SplitNames.ToDictionary(s => s, _ => new List<SplitEntry>());
    private readonly List<string?> _classNames = [];
    private ExceptionDispatchInfo? _firstError;

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

    /// <summary>Every file read and folder listed, stamped before it was read, so a kept parse can tell that nothing it rests on changed.</summary>
    public List<SourceStamp> Sources { get; } = [];

    public void AddSource(string path) => Sources.Add(SourceStamp.Of(path));

    public IReadOnlyList<SplitEntry> this[string split] => _entries[split];

    public IEnumerable<SplitEntry> All => SplitNames.SelectMany(s => _entries[s]);

    public void Add(SplitEntry entry) => _entries[entry.Split].Add(entry);

    public void SetClassName(int label, string name)
    {
        while (_classNames.Count <= label) _classNames.Add(null);
        _classNames[label] ??= name;
    }

    /// <summary>Keeps <paramref name="readerError"/> when it is the first problem met: the one the reader throws.</summary>
    public void Fail(Exception readerError) => _firstError ??= ExceptionDispatchInfo.Capture(readerError);

    /// <summary>Records a problem the readers had no wording of their own for; the reader throws its one-line form.</summary>
    public void Problem(DatasetIssue issue)
    {
        Issues.Add(issue);
        Fail(new InvalidDataException(issue.ToString()));
    }

    /// <summary>The splits as training reads them, or the first problem in reading order as an exception.</summary>
    /// <exception cref="InvalidDataException">A malformed split file, or anything else the data check calls a problem.</exception>
    /// <exception cref="DatasetLayoutException">A split file or folder vanished after it was located.</exception>
    public DatasetSplits ToSplits(DatasetLocation location)
    {
        _firstError?.Throw();
        if (Issues.FirstOrDefault(i => i.IsProblem) is { } problem) throw new InvalidDataException(problem.ToString());
        var names = _classNames.Select((n, label) => n ?? throw new InvalidDataException($"{location.SplitFilePath}: no item has label {label}")).ToArray();
        // Listed layouts are read class folder by class folder; training sees them by label, as CoOp's readers give them.
        List<LabeledImage> Items(string split) =>
            (Listed ? _entries[split].OrderBy(e => e.Label) : (IEnumerable<SplitEntry>)_entries[split])
            .Select(e => new LabeledImage(e.Path, e.Label, names[e.Label])).ToList();
        var test = Items("test");
        return new DatasetSplits(location, names, Items("train"), ValIsTest ? test : Items("val"), test);
    }
}
