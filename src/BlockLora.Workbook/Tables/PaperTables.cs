using BlockLora.Adapters;
using BlockLora.Clip;
using BlockLora.Experiments;
using BlockLora.Results;
using Deedle;

namespace BlockLora.Workbook.Tables;

/// <summary>
/// One cell of a paper table rebuilt from our results, beside the published number it corresponds to.
/// <see cref="Difference"/> is ours − published, in accuracy points; empty where either side is missing.
/// </summary>
public sealed record ComparisonRow(
    string Dataset,
    int Shots,
    AdapterMethod Method,
    double? Ours,
    double? OursStd,
    int Seeds,
    string PaperMethod,
    double? Paper,
    double? Difference,
    string PaperStatus,
    string PaperSource);

/// <summary>One cell of the rank × blocks ablation: accuracy and cost, with the parameter count checked against the formula.</summary>
public sealed record AblationRow(
    int Rank,
    int Blocks,
    AdapterMethod Method,
    double Accuracy,
    double Std,
    int Seeds,
    long Parameters,
    long FormulaParameters,
    long ParameterDifference,
    long? VitB16Parameters,
    double TrainSeconds,
    double PeakMemoryMB);

/// <summary>
/// The papers' tables rebuilt from the results store as Deedle frames, side by side with the published numbers of
/// <c>results/paper/</c>: few-shot per dataset and average, cross-dataset, domain generalisation, and the ablation.
/// Methods map as: zero-shot ↔ zero-shot CLIP, lora ↔ CLIP-LoRA, block-lora ↔ Block-LoRA.
/// </summary>
public static class PaperTables
{
    public const string PaperZeroShot = "Zero-shot CLIP";
    public const string PaperClipLora = "CLIP-LoRA";
    public const string PaperBlockLora = "Block-LoRA";

    public static string PaperMethodFor(AdapterMethod method) => method switch
    {
        AdapterMethod.ZeroShot => PaperZeroShot,
        AdapterMethod.Lora => PaperClipLora,
        AdapterMethod.BlockLora => PaperBlockLora,
        _ => throw new ArgumentException($"unknown method '{method}'"),
    };

    /// <summary>
    /// Few-shot top-1 per dataset and shots (zero-shot as shots 0), and the average over <paramref name="datasets"/>
    /// where every dataset has a result, against the published per-dataset and 11-dataset-average numbers.
    /// </summary>
    public static IReadOnlyList<ComparisonRow> FewShot(IEnumerable<MethodSummary> ours, IReadOnlyList<PaperValue> paper,
        IReadOnlyList<string> datasets, int rank, int blocks)
    {
        var own = Configured(ours, rank, blocks).Where(s => s.EvalDataset.Length == 0 && datasets.Contains(s.Dataset)).ToList();
        var rows = new List<ComparisonRow>();
        foreach (var dataset in datasets)
            foreach (var s in own.Where(s => s.Dataset == dataset).OrderBy(s => s.Shots).ThenBy(s => MethodOrder(s.Method)))
                rows.Add(Row(dataset, s.Shots, s.Method, s.Accuracy, s.StdDev, s.Seeds,
                    Find(paper, PaperNumbers.FewShotPerDataset, PaperMethodFor(s.Method), dataset, s.Shots)));

        string average = $"{PaperNumbers.Average} ({datasets.Count})";
        foreach (var group in own.GroupBy(s => (s.Method, s.Shots)).OrderBy(g => g.Key.Shots).ThenBy(g => MethodOrder(g.Key.Method)))
        {
            if (group.Select(s => s.Dataset).Distinct().Count() != datasets.Count) continue;
            rows.Add(Row(average, group.Key.Shots, group.Key.Method, group.Average(s => s.Accuracy), null, group.Min(s => s.Seeds),
                Find(paper, PaperNumbers.FewShotAverage, PaperMethodFor(group.Key.Method), PaperNumbers.Average, group.Key.Shots)));
        }
        return rows;
    }

    /// <summary>
    /// Accuracy of adapters trained on <paramref name="source"/> and evaluated on <paramref name="targets"/> (cross-dataset
    /// when the targets are other benchmarks, domain generalisation when they are the source's classes in other domains),
    /// with the source itself first and the average over targets last.
    /// </summary>
    public static IReadOnlyList<ComparisonRow> Transfer(IEnumerable<MethodSummary> ours, IReadOnlyList<PaperValue> paper, string paperTable,
        string source, IReadOnlyList<string> targets, int shots, int rank, int blocks)
    {
        var own = Configured(ours, rank, blocks).Where(s => s.Dataset == source && s.Shots == shots && s.Method != AdapterMethod.ZeroShot).ToList();
        var rows = new List<ComparisonRow>();
        foreach (var method in new[] { AdapterMethod.Lora, AdapterMethod.BlockLora })
        {
            foreach (var target in targets.Prepend(source))
            {
                var s = own.FirstOrDefault(s => s.Method == method && s.Target == target && (target != source || s.EvalDataset.Length == 0));
                rows.Add(Row(target == source ? $"{source} (source)" : target, shots, method, s?.Accuracy, s?.StdDev, s?.Seeds ?? 0,
                    Find(paper, paperTable, PaperMethodFor(method), target, null)));
            }
            var found = own.Where(s => s.Method == method && targets.Contains(s.EvalDataset)).ToList();
            rows.Add(Row($"{PaperNumbers.Average} ({targets.Count} targets)", shots, method,
                found.Count == targets.Count ? found.Average(s => s.Accuracy) : null, null, found.Count == 0 ? 0 : found.Min(s => s.Seeds),
                Find(paper, paperTable, PaperMethodFor(method), PaperNumbers.Average, null)));
        }
        return rows;
    }

    /// <summary>
    /// The rank × blocks grid at <paramref name="shots"/> on <paramref name="dataset"/>: accuracy, cost, and the trainable
    /// parameter count measured on the live adapters beside <see cref="ParameterAccounting"/>'s formula for
    /// <paramref name="clip"/> and the ViT-B/16 count published in trainable_parameters.csv.
    /// </summary>
    public static IReadOnlyList<AblationRow> Ablation(IEnumerable<MethodSummary> ours, IReadOnlyList<PaperValue> paper, ClipConfig clip,
        AdapterConfig adapter, string dataset, int shots)
    {
        return ours.Where(s => s.Dataset == dataset && s.EvalDataset.Length == 0 && s.Shots == shots && s.Method != AdapterMethod.ZeroShot)
            .OrderBy(s => s.Rank).ThenBy(s => s.Blocks)
            .Select(s =>
            {
                var config = adapter with
                {
                    Method = s.Method,
                    Rank = s.Rank,
                    Blocks = s.Blocks,
                };
                long formula = ParameterAccounting.FromConfig(clip, config).Total.Parameters;
                var published = paper.FirstOrDefault(p => p.Table == PaperNumbers.TrainableParameters && p.Rank == s.Rank && p.Blocks == s.Blocks && p.Value is not null);
                return new AblationRow(s.Rank, s.Blocks, s.Method, s.Accuracy, s.StdDev, s.Seeds, s.TrainableParameters, formula,
                    s.TrainableParameters - formula, published?.Value is double v ? (long)v : null, s.TrainSeconds, s.PeakMemoryBytes / 1e6);
            })
            .ToArray();
    }

    /// <summary>A paper table (methods × shots) of one published file, as rows.</summary>
    public static Frame<int, string> Published(IReadOnlyList<PaperValue> paper, string table) =>
        Frame.FromRecords(paper.Where(p => p.Table == table).Select(p => new
        {
            Method = p.Method,
            Dataset = p.Dataset,
            Shots = p.Shots,
            Metric = p.Metric,
            Value = p.Value,
            Status = p.Status,
            Source = p.Source,
        }));

    /// <summary>A published table as methods (rows) × shots (columns) for one metric, e.g. the 11-dataset few-shot averages.</summary>
    public static Frame<int, string> PublishedWide(IReadOnlyList<PaperValue> paper, string table, string dataset = PaperNumbers.Average)
    {
        var values = paper.Where(p => p.Table == table && p.Dataset == dataset).ToArray();
        var shots = values.Select(v => v.Shots ?? 0).Distinct().Order().ToArray();
        var methods = values.Select(v => v.Method).Distinct().ToArray();
        var builder = new FrameBuilder.Columns<int, string>();
        builder.Add("method", Series(methods.Select((m, i) => (i, (object)m))));
        foreach (int shot in shots)
            builder.Add(shot == 0 ? "0 (zero-shot)" : $"{shot}-shot", Series(methods.Select((m, i) =>
                (i, (object?)values.FirstOrDefault(v => v.Method == m && (v.Shots ?? 0) == shot)?.Value)).Where(c => c.Item2 is not null).Select(c => (c.i, c.Item2!))));
        builder.Add("status", Series(methods.Select((m, i) => (i, (object)values.First(v => v.Method == m).Status))));
        return builder.Frame;
    }

    /// <summary>The ablation's accuracy as ranks (rows) × block counts (columns).</summary>
    public static Frame<int, string> AblationGrid(IReadOnlyList<AblationRow> rows, Func<AblationRow, object> value)
    {
        var ranks = rows.Select(r => r.Rank).Distinct().Order().ToArray();
        var builder = new FrameBuilder.Columns<int, string>();
        builder.Add("rank r", Series(ranks.Select((r, i) => (i, (object)r))));
        foreach (int n in rows.Select(r => r.Blocks).Distinct().Order())
            builder.Add(n == 1 ? "n=1 (LoRA)" : $"n={n}", Series(ranks.Select((r, i) => (i, rows.FirstOrDefault(x => x.Rank == r && x.Blocks == n)))
                .Where(c => c.Item2 is not null).Select(c => (c.i, value(c.Item2!)))));
        return builder.Frame;
    }

    private static Series<int, object> Series(IEnumerable<(int Key, object Value)> cells)
    {
        var series = new SeriesBuilder<int, object>();
        foreach (var (key, value) in cells) series.Add(key, value);
        return series.Series;
    }

    /// <summary>Writes a rebuilt table as CSV (creating the folder) and returns the frame, so a cell can save and show it.</summary>
    public static Frame<int, string> SaveCsv(Frame<int, string> frame, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        frame.SaveCsv(path, includeRowKeys: false);
        return frame;
    }

    /// <summary>Rows as a Deedle frame (columns in record order).</summary>
    public static Frame<int, string> ToFrame<T>(IEnumerable<T> rows) => Frame.FromRecords(rows);

    /// <summary>
    /// A wide view of comparison rows: one row per dataset × shots, one column per method with ours, published and the
    /// difference side by side (what a paper table looks like).
    /// </summary>
    /// <param name="oursLabel">What our columns are called, e.g. "smoke demo" where our numbers come from another model and data than the paper's.</param>
    public static Frame<int, string> Wide(IReadOnlyList<ComparisonRow> rows, string oursLabel = "ours")
    {
        var methods = rows.Select(r => r.Method).Distinct().OrderBy(MethodOrder).ToArray();
        var wide = rows.GroupBy(r => (r.Dataset, r.Shots)).Select(g =>
        {
            var cells = new Dictionary<string, object?> { ["dataset"] = g.Key.Dataset, ["shots"] = g.Key.Shots };
            foreach (var m in methods)
            {
                var r = g.FirstOrDefault(x => x.Method == m);
                string name = PaperMethodFor(m);
                string ours = AdapterMethods.Format(m);
                cells[$"{ours} ({oursLabel})"] = r?.Ours;
                cells[$"{name} (paper)"] = r?.Paper;
                cells[$"{ours} − paper"] = r?.Difference;
            }
            return cells;
        }).ToList();
        var columns = wide.SelectMany(c => c.Keys).Distinct().ToArray();
        var builder = new FrameBuilder.Columns<int, string>();
        foreach (var column in columns)
        {
            var series = new SeriesBuilder<int, object>();
            for (int i = 0; i < wide.Count; i++)
                if (wide[i].TryGetValue(column, out var value) && value is not null) series.Add(i, value);
            builder.Add(column, series.Series);
        }
        return builder.Frame;
    }

    private static IEnumerable<MethodSummary> Configured(IEnumerable<MethodSummary> ours, int rank, int blocks) =>
        ours.Where(s => s.Method == AdapterMethod.ZeroShot || (s.Method == AdapterMethod.Lora && s.Rank == rank) || (s.Method == AdapterMethod.BlockLora && s.Rank == rank && s.Blocks == blocks));

    private static int MethodOrder(AdapterMethod method) => Array.IndexOf(AdapterMethods.All, method);

    private static PaperValue? Find(IReadOnlyList<PaperValue> paper, string table, string method, string dataset, int? shots) =>
        paper.FirstOrDefault(p => p.Table == table && p.Method == method && p.Dataset == dataset && (shots is null || p.Shots == shots));

    private static ComparisonRow Row(string dataset, int shots, AdapterMethod method, double? ours, double? std, int seeds, PaperValue? paper) =>
        new(dataset, shots, method, ours, std, seeds, paper?.Method ?? PaperMethodFor(method), paper?.Value,
            ours is double o && paper?.Value is double p ? o - p : null,
            paper?.Status ?? "no published number", paper?.Source ?? "");
}
