using System.Globalization;
using System.Text;

namespace BlockLora.Adapters;

/// <summary>
/// Adapter parameter and per-token cost accounting for one config on one CLIP: rows per encoder × target,
/// a subtotal per encoder, and the total. Data for a CLI or notebook to print; <see cref="ToString"/> gives a plain text table.
/// </summary>
public sealed record ParameterTable(
    AdapterMethod Method,
    int Rank,
    int Blocks,
    IReadOnlyList<ParameterRow> Rows,
    IReadOnlyList<ParameterRow> EncoderTotals,
    ParameterRow Total,
    bool Dora = false)
{
    /// <summary>Rows, then encoder subtotals, then the total: the order a printed table uses.</summary>
    public IEnumerable<ParameterRow> AllRows() => Rows.Concat(EncoderTotals).Append(Total);

    public override string ToString()
    {
        string[] header = ["encoder", "target", "matrices", "shape d×k", "parameters", "MACs/token", "adds/token"];
        var lines = AllRows().Select(r => new[]
        {
            r.Encoder, r.Target, r.Matrices.ToString(CultureInfo.InvariantCulture), r.Shape,
            r.Parameters.ToString("N0", CultureInfo.InvariantCulture),
            r.MultiplyAddsPerToken.ToString("N0", CultureInfo.InvariantCulture),
            r.AdditionsPerToken.ToString("N0", CultureInfo.InvariantCulture),
        }).ToList();
        var widths = header.Select((h, i) => Math.Max(h.Length, lines.Count == 0 ? 0 : lines.Max(l => l[i].Length))).ToArray();
        var text = new StringBuilder();
        // Without DoRA the heading is what it always was; with it, the DoRA label ("DoRA r=2", "Block-DoRA r=2 n=8").
        text.AppendLine(Dora ? Method.Label(Rank, Blocks, dora: true) : $"{AdapterMethods.Format(Method)} r={Rank} n={Blocks}");
        text.AppendLine(Row(header, widths));
        foreach (var line in lines) text.AppendLine(Row(line, widths));
        return text.ToString().TrimEnd();
    }

    // Text columns left-aligned, numbers right-aligned.
    private static string Row(string[] cells, int[] widths) =>
        string.Join("  ", cells.Select((c, i) => i < 2 ? c.PadRight(widths[i]) : c.PadLeft(widths[i])));
}
