using BlockLora.Results;

namespace BlockLora.Experiments;

/// <summary>
/// What a results store already holds, by run identity: the one place that decides "already finished, skip it" for
/// sweeps, the notebooks' runs and their cross-dataset evaluations, so a rerun costs nothing twice and none of them
/// can disagree on what counts as the same run.
/// </summary>
public sealed class FinishedRuns
{
    private readonly HashSet<string> keys;

    private FinishedRuns(IEnumerable<RunRecord> rows) => keys = rows.Select(r => r.Key).ToHashSet(StringComparer.Ordinal);

    /// <summary>The rows of <c>results.csv</c> under <paramref name="resultsDir"/> (none when it does not exist yet).</summary>
    public static FinishedRuns In(string resultsDir) => new(ResultsStore.In(resultsDir).ReadAll());

    /// <summary>Whether the store has the row <paramref name="spec"/> makes for its own dataset or for <paramref name="evalDataset"/>.</summary>
    public bool Contains(RunSpec spec, string evalDataset = "") => keys.Contains(FewShotRun.Identity(spec, evalDataset).Key);
}
