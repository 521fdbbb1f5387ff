using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace BlockLora.Data;

/// <summary>
/// What one parse of a few-shot list (<see cref="FewShotSplitFile"/>'s <c>fewshot.json</c> or a 2SFS <c>.jsonl</c>,
/// <see cref="TwoSfsSplitFile"/>) found: its items with their positions, the header a <c>fewshot.json</c> carries, and
/// every problem with its position. The parse goes on past a bad item so all of them are reported; the first problem
/// in reading order is kept as the error the readers throw, worded as it always was, so a run
/// (<see cref="RunSplitFile"/>) and anything listing the problems cannot disagree about the first one.
/// </summary>
internal sealed class FewShotListParse
{
    private static readonly ConcurrentDictionary<string, int> ParsesByFile = new(StringComparer.Ordinal);

    private readonly List<LabeledImage> _items = [];
    private readonly List<string> _positions = [];
    private ExceptionDispatchInfo? _firstError;

    public FewShotListParse(string path)
    {
        Path = path;
        ParsesByFile.AddOrUpdate(System.IO.Path.GetFullPath(path), 1, (_, n) => n + 1);
    }

    public string Path { get; }

    /// <summary>The items that parsed, in file order; <see cref="Positions"/> says where each is.</summary>
    public IReadOnlyList<LabeledImage> Items => _items;

    /// <summary>Where each of <see cref="Items"/> is in the file (<c>items[3]</c>, <c>line 5</c>).</summary>
    public IReadOnlyList<string> Positions => _positions;

    public List<DatasetIssue> Issues { get; } = [];

    public bool Failed => _firstError is not null;

    // The header of a fewshot.json; a 2SFS file has none.
    public string? Dataset { get; set; }
    public int Shots { get; set; }
    public int Seed { get; set; }
    public int ClassesWithRepetition { get; set; }
    public int EmptyClasses { get; set; }
    public IReadOnlyList<string> ClassNames { get; set; } = [];

    public void Add(LabeledImage item, string position)
    {
        _items.Add(item);
        _positions.Add(position);
    }

    /// <summary>Records <paramref name="error"/> at <paramref name="position"/>; the first one recorded is the one <see cref="ThrowIfFailed"/> throws.</summary>
    public void Problem(string position, Exception error)
    {
        Issues.Add(DatasetIssue.Problem(DatasetIssueKind.MalformedSplitFile, Path, position, Detail(error.Message, position)));
        _firstError ??= ExceptionDispatchInfo.Capture(error);
    }

    /// <exception cref="InvalidDataException">The first problem met, as the readers have always worded it.</exception>
    /// <exception cref="DatasetLayoutException">The file is not there.</exception>
    public void ThrowIfFailed() => _firstError?.Throw();

    /// <summary>How many times this process parsed <paramref name="path"/>; for tests.</summary>
    internal static int ParsesOf(string path) => ParsesByFile.GetValueOrDefault(System.IO.Path.GetFullPath(path));

    // The readers' messages start with the file and the position, which the issue holds in fields of its own.
    private string Detail(string message, string position)
    {
        string rest = message.StartsWith(Path + ": ", StringComparison.Ordinal) ? message[(Path.Length + 2)..] : message;
        if (position.Length > 0 && rest.StartsWith(position, StringComparison.Ordinal)) rest = rest[position.Length..].TrimStart(':', ' ');
        return rest;
    }
}
