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
    long PeakMemoryBytes,
    string Settings,
    string Classes = "all")
{
    /// <summary>Where the accuracy was measured: the evaluation dataset when it differs from the training one.</summary>
    public string Target => EvalDataset.Length == 0 ? Dataset : EvalDataset;

    /// <summary>Whether the rows were scored on every class (the few-shot protocol) rather than one half of base-to-new.</summary>
    public bool IsAllClasses => Classes == "all";

    /// <summary>"Block-LoRA r=2 n=8", "LoRA r=2", "zero-shot".</summary>
    public string Label => Method.Label(Rank, Blocks);
}

/// <summary>Queries over the results store that the notebooks and tables share.</summary>
public static class ResultsSummary
{
    /// <summary>The rows of a results folder (every store file merged) or of one store file.</summary>
    public static IReadOnlyList<RunRecord> Load(string folderOrFile) => ResultsFolder.Read(folderOrFile);

    /// <summary>
    /// Mean and standard deviation over seeds of every configuration: rows whose run config (<see cref="RunRecord.Config"/>)
    /// is the same but for the seed, so runs that differ in lr, precision, template or any other setting are never averaged
    /// together. Rows written before configs existed group by the columns they have.
    /// </summary>
    public static IReadOnlyList<MethodSummary> MeanOverSeeds(IEnumerable<RunRecord> rows) =>
        rows.GroupBy(SettingsWithoutSeed)
            .Select(g =>
            {
                var first = g.First();
                var accuracies = g.Select(r => r.Accuracy).ToArray();
                double mean = accuracies.Average();
                double std = accuracies.Length > 1 ? Math.Sqrt(accuracies.Sum(a => (a - mean) * (a - mean)) / (accuracies.Length - 1)) : 0;
                return new MethodSummary(first.Backbone, first.Dataset, first.EvalDataset, first.Method, first.Shots, first.Rank, first.Blocks,
                    first.Iterations, mean, std, accuracies.Length, (long)g.Average(r => r.TrainableParameters), g.Average(r => r.TrainSeconds),
                    (long)g.Average(r => r.PeakMemoryBytes), g.Key, first.Classes);
            })
            .OrderBy(s => s.Dataset, StringComparer.Ordinal).ThenBy(s => s.EvalDataset, StringComparer.Ordinal)
            .ThenBy(s => s.Method).ThenBy(s => s.Shots).ThenBy(s => s.Rank).ThenBy(s => s.Blocks).ThenBy(s => s.Settings, StringComparer.Ordinal)
            .ToArray();

    /// <summary>The row's config JSON without its seed (keys stay sorted, so equal settings give equal text).</summary>
    public static string SettingsWithoutSeed(RunRecord row)
    {
        if (row.Config.Length == 0)
            return string.Join("|", "older-format", row.Backbone, row.Dataset, row.EvalDataset, AdapterMethods.Format(row.Method), row.Shots, row.Rank, row.Blocks,
                row.Alpha.ToString("R", System.Globalization.CultureInfo.InvariantCulture), row.Targets, row.Encoders, row.Iterations, row.Precision);
        var config = System.Text.Json.Nodes.JsonNode.Parse(row.Config)!.AsObject();
        config.Remove("seed");
        return config.ToJsonString();
    }
}
