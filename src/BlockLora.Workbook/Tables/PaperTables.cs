using BlockLora.Adapters;
using BlockLora.Clip;
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
/// Views of published numbers and the parameter-count ablation beside them; the tables of our results are
/// <see cref="ProtocolTables"/>, built from exactly the runs of the grid file that declares each.
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

}
