using Deedle;

namespace BlockLora.Workbook.Tables;

/// <summary>
/// The published base-to-new numbers (<c>results/paper/base_to_new.csv</c>) as a frame; our base-to-new table is
/// <see cref="ProtocolTables"/>' (from exactly the runs of the grid file that declares it). Methods map as in <see cref="PaperTables"/>.
/// </summary>
public static class BaseToNewTable
{
    public const string BaseMetric = "base";
    public const string NewMetric = "new";
    public const string HarmonicMeanMetric = "harmonic_mean";

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
