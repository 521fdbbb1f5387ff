using BlockLora.Adapters;

namespace BlockLora.Results;

/// <summary>One configuration's results averaged over seeds (accuracy in percent; cost columns averaged too).</summary>
public sealed record MethodSummary(
    string Backbone,
    string Dataset,
    string EvalDataset,
    AdapterMethod Method,
    int Shots,
    int Rank,
    int Blocks,
    int Iterations,
    double Accuracy,
    double StdDev,
    int Seeds,
    long TrainableParameters,
    double TrainSeconds,
    long PeakMemoryBytes)
{
    /// <summary>Where the accuracy was measured: the evaluation dataset when it differs from the training one.</summary>
    public string Target => EvalDataset.Length == 0 ? Dataset : EvalDataset;

    /// <summary>"Block-LoRA r=2 n=8", "LoRA r=2", "zero-shot".</summary>
    public string Label => Method.Label(Rank, Blocks);
}

/// <summary>Queries over the results store that the notebooks and tables share.</summary>
public static class ResultsSummary
{
    public static IReadOnlyList<RunRecord> Load(string resultsCsv) => new ResultsStore(resultsCsv).ReadAll();

    /// <summary>Mean and standard deviation over seeds of every configuration (backbone, datasets, method, shots, r, n, alpha, targets, iterations).</summary>
    public static IReadOnlyList<MethodSummary> MeanOverSeeds(IEnumerable<RunRecord> rows) =>
        rows.GroupBy(r => (r.Backbone, r.Dataset, r.EvalDataset, r.Method, r.Shots, r.Rank, r.Blocks, r.Alpha, r.Targets, r.Encoders, r.Iterations))
            .Select(g =>
            {
                var accuracies = g.Select(r => r.Accuracy).ToArray();
                double mean = accuracies.Average();
                double std = accuracies.Length > 1 ? Math.Sqrt(accuracies.Sum(a => (a - mean) * (a - mean)) / (accuracies.Length - 1)) : 0;
                return new MethodSummary(g.Key.Backbone, g.Key.Dataset, g.Key.EvalDataset, g.Key.Method, g.Key.Shots, g.Key.Rank, g.Key.Blocks,
                    g.Key.Iterations, mean, std, accuracies.Length, (long)g.Average(r => r.TrainableParameters), g.Average(r => r.TrainSeconds),
                    (long)g.Average(r => r.PeakMemoryBytes));
            })
            .OrderBy(s => s.Dataset, StringComparer.Ordinal).ThenBy(s => s.EvalDataset, StringComparer.Ordinal)
            .ThenBy(s => s.Method).ThenBy(s => s.Shots).ThenBy(s => s.Rank).ThenBy(s => s.Blocks)
            .ToArray();
}
