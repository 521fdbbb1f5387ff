using BlockLora.Data;
using BlockLora.Results;

namespace BlockLora.Experiments;

/// <summary>
/// What a results store already holds, by run identity: the one place that decides "already finished, skip it" for
/// sweeps, the notebooks' runs and their cross-dataset evaluations, so a rerun costs nothing twice and none of them
/// can disagree on what counts as the same run.
/// </summary>
public sealed class FinishedRuns
{
    private readonly HashSet<string> ids;

    private FinishedRuns(IReadOnlyList<RunRecord> rows)
    {
        ids = rows.Where(r => r.RunId.Length > 0).Select(r => r.RunId).ToHashSet(StringComparer.Ordinal);
        OlderFormatRows = rows.Count(r => r.RunId.Length == 0);
    }

    /// <summary>
    /// Rows written before runs had identities: they do not record every setting (lr, batch size, ...), so they are
    /// never taken as a finished run of any spec; <see cref="Sweep"/> says how many there are.
    /// </summary>
    public int OlderFormatRows { get; }

    /// <summary>The rows of every store file under <paramref name="resultsDir"/> (none when it does not exist yet).</summary>
    public static FinishedRuns In(string resultsDir) => new(ResultsFolder.In(resultsDir).ReadAll());

    /// <summary>Whether the store has a row with this run id.</summary>
    public bool Contains(string runId) => ids.Contains(runId);

    /// <summary>
    /// The rows of <paramref name="spec"/> (<see cref="RunSpec.RowKeys"/>) the store lacks: none when the run is finished;
    /// only eval-on datasets when it trained but was not scored there yet (its saved adapter can be).
    /// </summary>
    public IReadOnlyList<(string EvalDataset, ClassSubset? EvalClasses)> Missing(RunSpec spec) =>
        spec.RowKeys.Where(k => !ids.Contains(RunIdentity.Of(spec, k.EvalDataset, k.EvalClasses).Id)).ToArray();

    /// <summary>Whether the store has the row <paramref name="spec"/> makes for its own dataset or for <paramref name="evalDataset"/>.</summary>
    public bool Contains(RunSpec spec, string evalDataset = "") => ids.Contains(RunIdentity.Of(spec, evalDataset).Id);
}
