using BlockLora.Adapters;
using BlockLora.Experiments;
using BlockLora.Results;
using Deedle;

namespace BlockLora.Workbook.Tables;

/// <summary>
/// One point of an ablation grid file (say <c>targets=v,o</c>): the values it chose for the options the file varies,
/// the adapter it resolved to, and its results averaged over that point's runs (one per seed). Accuracy and the cost
/// columns are empty while none of its runs has a row in the store.
/// </summary>
public sealed record GridRow(
    IReadOnlyList<KeyValuePair<string, string>> Options,
    AdapterMethod Method,
    int Rank,
    int Blocks,
    string Adapter,
    string Targets,
    string Encoders,
    int Runs,
    int Finished,
    double? Accuracy,
    double? Std,
    long? TrainableParameters,
    double? TrainSeconds,
    string RunIds)
{
    /// <summary><c>targets=v,o</c>, <c>method=lora rank=2</c>: the point's values of the varied options.</summary>
    public string Label => Options.Count == 0 ? "(one point)" : string.Join(" ", Options.Select(o => $"{o.Key}={o.Value}"));
}

/// <summary>
/// The table of one ablation grid file's runs (<see cref="SweepConfig.Run"/>): one row per point of the file, in the
/// file's order, with the options it varies as the first columns. Rows are matched to runs by run id, so the table holds
/// exactly the file's runs however many other runs share the results store.
/// </summary>
public static class GridTables
{
    /// <summary>Shown for an option a point leaves at the profile's value (a LoRA include point that sets no blocks).</summary>
    public const string Unset = "–";

    /// <summary>The options <paramref name="fileGrid"/> sets that take more than one value over <paramref name="runs"/>, in option order.</summary>
    public static IReadOnlyList<string> VariedOptions(SweepGrid fileGrid, IEnumerable<SweepConfig.Run> runs)
    {
        var points = runs.Select(r => FileChoices(fileGrid, r)).ToArray();
        return RunSettings.All.Select(s => s.Key)
            .Where(key => fileGrid.Keys.Contains(key))
            .Where(key => points.Select(p => p.TryGetValue(key, out var v) ? v : Unset).Distinct(StringComparer.Ordinal).Count() > 1)
            .ToArray();
    }

    /// <summary>One row per point of <paramref name="fileGrid"/> (its runs over seeds or other outer options averaged), from the rows of <paramref name="results"/>.</summary>
    public static IReadOnlyList<GridRow> Rows(SweepGrid fileGrid, IReadOnlyList<SweepConfig.Run> runs, IEnumerable<RunRecord> results)
    {
        var varied = VariedOptions(fileGrid, runs);
        var byId = new Dictionary<string, RunRecord>(StringComparer.Ordinal);
        foreach (var row in results.Where(r => r.EvalDataset.Length == 0 && r.RunId.Length > 0)) byId.TryAdd(row.RunId, row);
        return runs
            .GroupBy(r =>
            {
                var choices = FileChoices(fileGrid, r);
                return string.Join("\n", varied.Select(k => choices.TryGetValue(k, out var v) ? v : Unset));
            }, StringComparer.Ordinal)
            .Select(group =>
            {
                var first = group.First();
                var choices = FileChoices(fileGrid, first);
                var adapter = first.Spec.ResolvedAdapter;
                var found = group.Select(r => byId.GetValueOrDefault(r.Identity.Id)).OfType<RunRecord>().ToArray();
                double? mean = found.Length == 0 ? null : found.Average(r => r.Accuracy);
                double? std = found.Length switch
                {
                    0 => null,
                    1 => null, // one seed has no spread to show: never 0.00
                    _ => Math.Sqrt(found.Sum(r => (r.Accuracy - mean!.Value) * (r.Accuracy - mean.Value)) / (found.Length - 1)),
                };
                bool zeroShot = first.Spec.IsZeroShot;
                return new GridRow(
                    varied.Select(k => new KeyValuePair<string, string>(k, choices.TryGetValue(k, out var v) ? v : Unset)).ToArray(),
                    first.Spec.Method,
                    zeroShot ? 0 : adapter.Rank,
                    zeroShot ? 0 : adapter.Blocks,
                    zeroShot ? "zero-shot" : adapter.Label(),
                    zeroShot ? "" : AdapterTargetNames.Format(adapter.Targets),
                    zeroShot ? "" : AdapterEncoderNames.Format(adapter.Encoders),
                    group.Count(),
                    found.Length,
                    mean,
                    std,
                    found.Length == 0 ? null : (long)found.Average(r => r.TrainableParameters),
                    found.Length == 0 ? null : found.Average(r => r.TrainSeconds),
                    string.Join(" ", group.Select(r => r.Identity.ShortId)));
            })
            .ToArray();
    }

    /// <summary>
    /// The rows as a frame: the varied options, the adapter, targets and encoders, top-1 (mean, std, finished runs),
    /// trainable parameters, train seconds and the short run ids (what <c>blora sweep --dry-run</c> lists).
    /// </summary>
    public static Frame<int, string> ToFrame(IReadOnlyList<GridRow> rows)
    {
        var builder = new FrameBuilder.Columns<int, string>();
        var varied = rows.SelectMany(r => r.Options.Select(o => o.Key)).Distinct().ToArray();
        foreach (string key in varied)
            builder.Add(key, Column(rows, r => r.Options.First(o => o.Key == key).Value));
        builder.Add("adapter", Column(rows, r => r.Adapter));
        // The resolved values, unless a varied column already shows them.
        if (!varied.Contains("targets")) builder.Add("targets", Column(rows, r => r.Targets));
        if (!varied.Contains("encoders")) builder.Add("encoders", Column(rows, r => r.Encoders));
        builder.Add("top-1 (%)", Column(rows, r => r.Accuracy is double a ? Math.Round(a, 2) : null));
        builder.Add("std", Column(rows, r => r.Std is double s ? Math.Round(s, 2) : null));
        builder.Add("runs finished", Column(rows, r => $"{r.Finished}/{r.Runs}"));
        builder.Add("trainable parameters", Column(rows, r => r.TrainableParameters));
        builder.Add("train seconds", Column(rows, r => r.TrainSeconds is double t ? Math.Round(t, 1) : null));
        builder.Add("run ids", Column(rows, r => r.RunIds));
        return builder.Frame;
    }

    /// <summary>The values the file's own grid chose for this run (an outer grid's dataset, shots and seed are left out).</summary>
    /// <remarks>
    /// Matched by key and source (<c>file:line: grid.targets</c>), not by instance, so a grid read again from the same file
    /// still finds its choices in runs expanded from an earlier read.
    /// </remarks>
    private static Dictionary<string, string> FileChoices(SweepGrid fileGrid, SweepConfig.Run run)
    {
        var own = fileGrid.Fixed.Concat(fileGrid.Axes).Concat(fileGrid.Include.SelectMany(p => p)).Select(s => (s.Key, s.Source)).ToHashSet();
        return run.Choices.Where(c => own.Contains((c.Option.Key, c.Option.Source))).ToDictionary(c => c.Option.Key, c => c.Value, StringComparer.Ordinal);
    }

    private static Series<int, object> Column(IReadOnlyList<GridRow> rows, Func<GridRow, object?> value)
    {
        var series = new SeriesBuilder<int, object>();
        for (int i = 0; i < rows.Count; i++)
            if (value(rows[i]) is { } v) series.Add(i, v);
        return series.Series;
    }
}
