using BlockLora.Adapters;
using BlockLora.Results;
using Deedle;

namespace BlockLora.Workbook.Tables;

/// <summary>
/// One line of the base-to-new table: our base, new and HM for a dataset (or the dataset average) and method, beside
/// the published numbers for the method it corresponds to. <see cref="HarmonicMeanDifference"/> is ours − published
/// HM in accuracy points; empty where either side is missing.
/// </summary>
public sealed record BaseToNewRow(
    string Dataset,
    AdapterMethod Method,
    int Shots,
    int Rank,
    int Blocks,
    double? OursBase,
    double? OursNew,
    double? OursHarmonicMean,
    int Seeds,
    string PaperMethod,
    double? PaperBase,
    double? PaperNew,
    double? PaperHarmonicMean,
    double? HarmonicMeanDifference,
    string PaperStatus,
    string PaperSource)
{
    /// <summary>"Block-LoRA r=2 n=8", "LoRA r=2", "zero-shot".</summary>
    public string Label => Method.Label(Rank, Blocks);
}

/// <summary>
/// The base-to-new table (CoCoOp's Table 1 layout: base, new and HM per dataset and on average) rebuilt from
/// <see cref="BaseToNewSummary"/>, beside <c>results/paper/base_to_new.csv</c>. Methods map as in <see cref="PaperTables"/>.
/// </summary>
public static class BaseToNewTable
{
    public const string BaseMetric = "base";
    public const string NewMetric = "new";
    public const string HarmonicMeanMetric = "harmonic_mean";

    /// <summary>
    /// Per dataset of <paramref name="datasets"/> (in that order) zero-shot, LoRA (rank <paramref name="rank"/>) and
    /// Block-LoRA (rank and <paramref name="blocks"/>) at <paramref name="shots"/>, then the average over the datasets for
    /// each method that has every one (<see cref="BaseToNewSummary.AverageOverDatasets"/>), named
    /// <c>Average (N)</c> and set beside the published 11-dataset average. A method with no result on a dataset has no line.
    /// </summary>
    public static IReadOnlyList<BaseToNewRow> Rows(IEnumerable<BaseToNewSummary> ours, IReadOnlyList<PaperValue> paper,
        IReadOnlyList<string> datasets, int shots, int rank, int blocks)
    {
        var own = ours.Where(s => Configured(s, shots, rank, blocks) && datasets.Contains(s.Dataset)).ToArray();
        var rows = new List<BaseToNewRow>();
        foreach (var dataset in datasets)
            foreach (var s in own.Where(s => s.Dataset == dataset).OrderBy(s => MethodOrder(s.Method)).ThenBy(s => s.Settings, StringComparer.Ordinal))
                rows.Add(Row(s, paper, dataset));
        string average = $"{PaperNumbers.Average} ({datasets.Count})";
        foreach (var s in BaseToNewSummary.AverageOverDatasets(own, datasets, average).OrderBy(s => MethodOrder(s.Method)))
            rows.Add(Row(s, paper, PaperNumbers.Average));
        return rows;
    }

    /// <summary>
    /// The rows as the notebook shows them: one line per dataset and method, our base / new / HM under
    /// <paramref name="oursLabel"/>, the published ones, the HM difference, and each published number's status and source.
    /// </summary>
    public static Frame<int, string> Wide(IReadOnlyList<BaseToNewRow> rows, string oursLabel = "ours") =>
        FromCells(rows.Select(r => new Dictionary<string, object?>
        {
            ["dataset"] = r.Dataset,
            ["method"] = r.Label,
            ["shots"] = r.Method == AdapterMethod.ZeroShot ? 0 : r.Shots,
            ["seeds"] = r.Seeds,
            [$"base ({oursLabel})"] = r.OursBase,
            [$"new ({oursLabel})"] = r.OursNew,
            [$"HM ({oursLabel})"] = r.OursHarmonicMean,
            ["published method"] = r.PaperMethod,
            ["base (paper)"] = r.PaperBase,
            ["new (paper)"] = r.PaperNew,
            ["HM (paper)"] = r.PaperHarmonicMean,
            ["HM − paper"] = r.HarmonicMeanDifference,
            ["paper status"] = r.PaperStatus,
            ["paper source"] = r.PaperSource,
        }).ToList());

    /// <summary>Every method of the published base-to-new file with its base, new and HM (11-dataset average), status and source.</summary>
    public static Frame<int, string> Published(IReadOnlyList<PaperValue> paper, string dataset = PaperNumbers.Average)
    {
        var values = paper.Where(p => p.Table == PaperNumbers.BaseToNew && p.Dataset == dataset).ToArray();
        return FromCells(values.Select(v => v.Method).Distinct().Select(method =>
        {
            var mine = values.Where(v => v.Method == method).ToArray();
            double? Metric(string metric) => mine.FirstOrDefault(v => v.Metric == metric)?.Value;
            return new Dictionary<string, object?>
            {
                ["method"] = method,
                ["base"] = Metric(BaseMetric),
                ["new"] = Metric(NewMetric),
                ["HM"] = Metric(HarmonicMeanMetric),
                ["status"] = mine[0].Status,
                ["source"] = mine[0].Source,
            };
        }).ToList());
    }

    private static BaseToNewRow Row(BaseToNewSummary s, IReadOnlyList<PaperValue> paper, string paperDataset)
    {
        string method = PaperTables.PaperMethodFor(s.Method);
        var published = paper.Where(p => p.Table == PaperNumbers.BaseToNew && p.Method == method && p.Dataset == paperDataset).ToArray();
        PaperValue? Find(string metric) => published.FirstOrDefault(p => p.Metric == metric);
        var hm = Find(HarmonicMeanMetric);
        var any = hm ?? published.FirstOrDefault();
        return new BaseToNewRow(s.Dataset, s.Method, s.Shots, s.Rank, s.Blocks, s.Base, s.New, s.HarmonicMean, s.Seeds, method,
            Find(BaseMetric)?.Value, Find(NewMetric)?.Value, hm?.Value, hm?.Value is double p ? s.HarmonicMean - p : null,
            any?.Status ?? "no published number", any?.Source ?? "");
    }

    private static bool Configured(BaseToNewSummary s, int shots, int rank, int blocks) => s.Method switch
    {
        AdapterMethod.ZeroShot => true,
        AdapterMethod.Lora => s.Shots == shots && s.Rank == rank,
        AdapterMethod.BlockLora => s.Shots == shots && s.Rank == rank && s.Blocks == blocks,
        _ => false,
    };

    private static int MethodOrder(AdapterMethod method) => Array.IndexOf(AdapterMethods.All, method);

    /// <summary>Lines of named cells as a frame, columns in first-seen order; a null cell is left missing (shown as —).</summary>
    private static Frame<int, string> FromCells(IReadOnlyList<Dictionary<string, object?>> lines)
    {
        var builder = new FrameBuilder.Columns<int, string>();
        foreach (var column in lines.SelectMany(c => c.Keys).Distinct())
        {
            var series = new SeriesBuilder<int, object>();
            for (int i = 0; i < lines.Count; i++)
                if (lines[i].TryGetValue(column, out var value) && value is not null) series.Add(i, value);
            builder.Add(column, series.Series);
        }
        return builder.Frame;
    }
}
