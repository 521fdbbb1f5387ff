using System.Globalization;
using BlockLora.IO;

namespace BlockLora.Workbook.Tables;

/// <summary>
/// One published number (or an empty cell where the number is not available here) with where it comes from. The
/// files under <c>results/paper/</c> share one schema: <c>method,rank,blocks,dataset,shots,metric,value,source,status</c>.
/// </summary>
public sealed record PaperValue(string Table, string Method, int? Rank, int? Blocks, string Dataset, int? Shots, string Metric, double? Value, string Source, string Status);

/// <summary>Reads the published numbers under <c>results/paper/</c> (see its README.md for each file's provenance).</summary>
public static class PaperNumbers
{
    public static readonly string[] Columns = ["method", "rank", "blocks", "dataset", "shots", "metric", "value", "source", "status"];
    public const string FewShotAverage = "fewshot_average";
    public const string FewShotPerDataset = "fewshot_per_dataset";
    public const string BaseToNew = "base_to_new";
    public const string CrossDataset = "cross_dataset";
    public const string DomainGeneralization = "domain_generalization";
    public const string TrainableParameters = "trainable_parameters";
    /// <summary>The name the papers' average rows use in <see cref="PaperValue.Dataset"/>.</summary>
    public const string Average = "Average";

    /// <summary>Every <c>*.csv</c> in <paramref name="directory"/>; the table name is the file name without extension.</summary>
    public static IReadOnlyList<PaperValue> Load(string directory)
    {
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"{directory}: the published-numbers folder (results/paper) is missing");
        var values = new List<PaperValue>();
        foreach (var file in Directory.GetFiles(directory, "*.csv").Order(StringComparer.Ordinal))
            values.AddRange(Read(file));
        return values;
    }

    public static IReadOnlyList<PaperValue> Read(string file)
    {
        string table = Path.GetFileNameWithoutExtension(file);
        var csv = CsvTable.Read(file, comments: true);
        if (csv.Header.Count == 0) return [];
        if (!csv.Header.SequenceEqual(Columns))
            throw new InvalidDataException($"{file}: header must be {string.Join(",", Columns)}");
        var values = new List<PaperValue>();
        foreach (var row in csv.Rows)
        {
            var c = row.Cells;
            if (c.Count != Columns.Length) throw new InvalidDataException($"{file}: line {row.Line} has {c.Count} cells, expected {Columns.Length}");
            values.Add(new PaperValue(table, c[0], Int(c[1]), Int(c[2]), c[3], Int(c[4]), c[5],
                double.TryParse(c[6], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null, c[7], c[8]));
        }
        return values;
    }

    private static int? Int(string s) => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;
}
