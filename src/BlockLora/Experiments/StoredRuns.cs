using BlockLora.Results;

namespace BlockLora.Experiments;

/// <summary>
/// The runs of a results folder, read back from its rows (every store file merged) and run folders: what
/// <c>blora results list | show | diff</c> report. A run's rows are grouped by the id of the run that wrote them
/// (<see cref="RunIdentity.OwnRunOf"/>), so eval-on and new-half rows sit under their run.
/// </summary>
public sealed class StoredRuns
{
    /// <summary>Fewest hex digits a prefix must have: shorter ones match too many runs of a sweep to be worth typing.</summary>
    public const int MinPrefix = 4;

    public string ResultsDir { get; }
    public IReadOnlyList<StoredRun> Runs { get; }

    private StoredRuns(string resultsDir, IReadOnlyList<StoredRun> runs)
    {
        ResultsDir = resultsDir;
        Runs = runs;
    }

    /// <exception cref="ArgumentException">The folder holds no results store.</exception>
    public static StoredRuns Load(string resultsDir)
    {
        var folder = ResultsFolder.In(resultsDir);
        if (!Directory.Exists(resultsDir) || folder.StoreFiles.Count == 0)
            throw new ArgumentException($"{resultsDir}: no results store here (no {ResultsStore.FileName} nor {ResultsFolder.ShardFolderName}/*.csv)");
        var rows = folder.ReadAll();
        var runs = new List<StoredRun>();
        foreach (var group in rows.Where(r => r.RunId.Length > 0).GroupBy(OwnId, StringComparer.Ordinal))
        {
            // One id can be stored twice (two processes finished the same run before either saw the other's row): the latest speaks for it.
            // A run whose own row is missing (only its eval-on rows were kept) is still listed, under its own id, by one of those rows.
            var latest = group.GroupBy(r => r.RunId, StringComparer.Ordinal).Select(g => g.MaxBy(r => r.Date)!).ToArray();
            var own = latest.FirstOrDefault(r => r.RunId == group.Key) ?? latest[0];
            var ordered = latest.OrderBy(r => r == own ? 0 : 1).ThenBy(r => r.EvalDataset, StringComparer.Ordinal).ThenBy(r => r.Classes, StringComparer.Ordinal).ToArray();
            runs.Add(new StoredRun(group.Key, own, ordered, Fields(own)));
        }
        runs.AddRange(rows.Where(r => r.RunId.Length == 0).Select(r => new StoredRun("", r, [r], RunConfigFields.OfColumns(r))));
        return new StoredRuns(resultsDir, runs.OrderBy(r => r.Own.Date).ThenBy(r => r.Id, StringComparer.Ordinal).ToArray());
    }

    /// <summary><c>blora results list</c>: the runs that meet every condition, with the settings that vary among them.</summary>
    public static RunListing List(string resultsDir, IReadOnlyList<string> where) => Load(resultsDir).Select(where.Select(RunCondition.Parse).ToArray());

    /// <summary><c>blora results show</c>: one run's config, accuracies, training metrics and files.</summary>
    public static StoredRunDetails Show(string resultsDir, string id)
    {
        var runs = Load(resultsDir);
        return StoredRunDetails.Of(runs.Find(id), runs.FolderOf);
    }

    /// <summary><c>blora results diff</c>: the settings two runs differ in and both runs' accuracies.</summary>
    public static StoredRunDiff Diff(string resultsDir, string id1, string id2)
    {
        var runs = Load(resultsDir);
        return StoredRunDiff.Of(StoredRunDetails.Of(runs.Find(id1), runs.FolderOf), StoredRunDetails.Of(runs.Find(id2), runs.FolderOf));
    }

    /// <summary>The runs that meet every condition.</summary>
    /// <exception cref="ArgumentException">A condition names a setting no run and no option has.</exception>
    public RunListing Select(IReadOnlyList<RunCondition> conditions)
    {
        var names = new HashSet<string>(RunConfigFields.OptionNames.Concat(Runs.SelectMany(r => r.Fields).Select(f => f.Name)), StringComparer.Ordinal);
        var paths = Runs.SelectMany(r => r.Fields).Select(f => f.Path).ToHashSet(StringComparer.Ordinal);
        foreach (var condition in conditions.Where(c => !names.Contains(c.Key) && !paths.Contains(c.Key)))
            throw new ArgumentException($"unknown --where key '{condition.Key}': known keys are {string.Join(", ", names.Order(StringComparer.Ordinal))} (or a dotted config path such as training.lr)");
        return RunListing.Of(Runs.Where(run => conditions.All(c => c.Matches(run))).ToArray());
    }

    /// <summary>The run whose id (its own or one of its rows') starts with <paramref name="prefix"/>.</summary>
    /// <exception cref="ArgumentException">Too short, not hex, no such run, or more than one.</exception>
    public StoredRun Find(string prefix)
    {
        string p = prefix.Trim().ToLowerInvariant();
        if (p.Length < MinPrefix || !p.All(Uri.IsHexDigit))
            throw new ArgumentException($"'{prefix}' is not a run id: give at least {MinPrefix} of its hex digits (blora results list shows them)");
        var matches = Runs.Where(r => r.HasId && r.Rows.Any(row => row.RunId.StartsWith(p, StringComparison.Ordinal))).ToArray();
        if (matches.Length == 1) return matches[0];
        if (matches.Length > 1)
            throw new ArgumentException($"run id '{prefix}' matches {matches.Length} runs ({string.Join(", ", matches.Take(3).Select(m => m.ShortId))}{(matches.Length > 3 ? ", ..." : "")}): give more digits");
        int older = Runs.Count(r => !r.HasId);
        throw new ArgumentException($"no run with id '{prefix}' in {ResultsDir}"
            + (older > 0 ? $" ({older} row{(older == 1 ? "" : "s")} written before run ids have none and cannot be shown or compared)" : ""));
    }

    /// <summary>
    /// The run's folder under <c>runs/</c>: the one named by its short id (zero-shot) or ending in <c>-</c> and it,
    /// wherever the slug before it puts it; null when the folder is gone or was never written here.
    /// </summary>
    public string? FolderOf(StoredRun run)
    {
        string runs = Path.Combine(ResultsDir, "runs");
        if (!run.HasId || !Directory.Exists(runs)) return null;
        return Directory.EnumerateDirectories(runs, "*", SearchOption.AllDirectories)
            .Where(d => Path.GetFileName(d) is var name && (name == run.ShortId || name.EndsWith("-" + run.ShortId, StringComparison.Ordinal)))
            .Order(StringComparer.Ordinal).FirstOrDefault();
    }

    private static string OwnId(RunRecord row) => row.Config.Length == 0 ? row.RunId : Guard(row, () => RunIdentity.OwnRunOf(row.Config).Id);

    private static IReadOnlyList<RunConfigField> Fields(RunRecord row) =>
        row.Config.Length == 0 ? RunConfigFields.OfColumns(row) : Guard(row, () => RunConfigFields.Of(row.Config));

    private static T Guard<T>(RunRecord row, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"row of run {row.RunId}: {e.Message}");
        }
    }
}
