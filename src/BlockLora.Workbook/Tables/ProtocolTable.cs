using System.Globalization;
using System.Text;
using BlockLora.Adapters;
using BlockLora.IO;
using BlockLora.Results;
using Deedle;

namespace BlockLora.Workbook.Tables;

/// <summary>A column group of a table: one method configuration (and, for base-to-new, one of base, new and HM).</summary>
public sealed record TableGroup(string Label, AdapterMethod Method, int Rank, int Blocks, string Part = "");

/// <summary>
/// One cell: our accuracy over the seeds found (null: none of the <see cref="Expected"/> runs is stored), beside the
/// published number it corresponds to, if any.
/// </summary>
public sealed record TableCell(SeedSpread? Ours, int Expected, PaperValue? Paper)
{
    /// <summary>Ours − published, in points, where both exist.</summary>
    public double? Difference => Ours is { } o && Paper?.Value is double p ? o.Mean - p : null;

    /// <summary>"44.12 ± 1.20 (n=3)"; "44.12 ± — (n=1 of 3)" when some seeds are missing; "missing (0 of 3)".</summary>
    public string Text => Ours is null ? $"missing (0 of {Expected})"
        : Ours.N < Expected ? Ours.Format()[..^1] + $" of {Expected})" : Ours.Format();
}

/// <summary>One line of a table: its key columns (dataset, shots, ...) and one cell per <see cref="ProtocolTable.Groups"/> entry.</summary>
public sealed record TableLine(IReadOnlyList<string> Keys, IReadOnlyList<TableCell> Cells, bool IsAverage = false);

/// <summary>
/// A table built from exactly the runs of the grid file that declares it (<see cref="TableRuns"/>): every cell mean ± sd
/// with n = seeds, the published number and the difference; missing runs shown as missing and listed with the command that
/// fills them. <see cref="ProtocolTables.Build"/> makes it; CSV, Markdown and a Deedle frame are its views.
/// </summary>
public sealed record ProtocolTable(
    string Name,
    TableKind Kind,
    string Title,
    IReadOnlyList<string> KeyColumns,
    IReadOnlyList<TableGroup> Groups,
    IReadOnlyList<TableLine> Lines,
    IReadOnlyList<string> Footer,
    TableRuns Runs,
    string FillCommand)
{
    private bool HasPaper => TableKinds.PaperTable(Kind) is not null;

    /// <summary>The stored rows of exactly this table's runs (what its charts may draw).</summary>
    public IReadOnlyList<RunRecord> FoundRows => Runs.Rows.Where(r => r.Found is not null).Select(r => r.Found!).ToArray();

    /// <summary>The footer notes and the missing runs as HTML, for a notebook cell under <see cref="ToFrame"/>.</summary>
    public string NotesHtml()
    {
        var html = new StringBuilder("<ul>");
        foreach (var note in Footer) html.Append("<li>").Append(System.Net.WebUtility.HtmlEncode(note)).Append("</li>");
        html.Append("</ul>");
        if (Runs.Missing.Count > 0)
            html.Append($"<div><b>{Runs.Missing.Count} of {Runs.Rows.Count} expected rows are missing</b>; fill them with <code>{System.Net.WebUtility.HtmlEncode(FillCommand)}</code></div>");
        return html.ToString();
    }

    /// <summary>Runs (rows) of the grid that the store lacks, as a listing.</summary>
    public IReadOnlyList<string> MissingRuns => Runs.Missing.Select(r => r.Label).ToArray();

    /// <summary>The CSV: key columns, then per group mean, sd, n, expected, and (where published numbers exist) paper and difference; 2 decimals as printed.</summary>
    public string ToCsv()
    {
        var header = new List<string>(KeyColumns);
        foreach (var g in Groups)
        {
            header.AddRange([$"{g.Label} mean", $"{g.Label} sd", $"{g.Label} n", $"{g.Label} expected"]);
            if (HasPaper) header.AddRange([$"{g.Label} paper", $"{g.Label} − paper"]);
        }
        var rows = Lines.Select(line =>
        {
            var cells = new List<string>(line.Keys);
            foreach (var c in line.Cells)
            {
                cells.AddRange([Number(c.Ours?.Mean), Number(c.Ours?.Sd), c.Ours?.N.ToString(CultureInfo.InvariantCulture) ?? "0", c.Expected.ToString(CultureInfo.InvariantCulture)]);
                if (HasPaper) cells.AddRange([Number(c.Paper?.Value), Number(c.Difference)]);
            }
            return (IReadOnlyList<string>)cells;
        });
        return CsvTable.Format(header, rows);
    }

    /// <summary>The Markdown: a title, the table (ours as mean ± sd (n), published, difference), then the footer and the missing runs.</summary>
    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.Append("## ").AppendLine(Title).AppendLine();
        var header = new List<string>(KeyColumns);
        foreach (var g in Groups)
        {
            header.Add(g.Label);
            if (HasPaper) header.AddRange(["paper", "Δ"]);
        }
        text.AppendLine("| " + string.Join(" | ", header) + " |");
        text.AppendLine("|" + string.Concat(header.Select((_, i) => i < KeyColumns.Count ? "---|" : "---:|")));
        foreach (var line in Lines)
        {
            var cells = line.Keys.Select((k, i) => i == 0 && line.IsAverage ? $"**{k}**" : k).ToList();
            foreach (var c in line.Cells)
            {
                cells.Add(c.Text);
                if (HasPaper) cells.AddRange([c.Paper?.Value is double p ? SeedSpread.Round(p) : "—", c.Difference is double d ? Signed(d) : "—"]);
            }
            text.AppendLine("| " + string.Join(" | ", cells.Select(c => c.Replace("|", "\\|"))) + " |");
        }
        text.AppendLine();
        foreach (var note in Footer) text.Append("- ").AppendLine(note);
        if (Runs.Missing.Count > 0)
        {
            text.AppendLine().AppendLine($"**{Runs.Missing.Count} of {Runs.Rows.Count} expected rows are missing**; fill them with:").AppendLine()
                .AppendLine("```").AppendLine(FillCommand).AppendLine("```");
            foreach (var missing in MissingRuns.Take(20)) text.Append("- ").AppendLine(missing);
            if (Runs.Missing.Count > 20) text.AppendLine($"- … and {Runs.Missing.Count - 20} more");
        }
        return text.ToString();
    }

    /// <summary>The table as a frame of text cells, as the Markdown shows them (for a notebook).</summary>
    public Frame<int, string> ToFrame()
    {
        var builder = new FrameBuilder.Columns<int, string>();
        for (int k = 0; k < KeyColumns.Count; k++)
        {
            int key = k;
            builder.Add(KeyColumns[k], Column(Lines.Select(l => (object)l.Keys[key])));
        }
        for (int g = 0; g < Groups.Count; g++)
        {
            int group = g;
            builder.Add(Groups[g].Label, Column(Lines.Select(l => (object)l.Cells[group].Text)));
            if (HasPaper)
            {
                builder.Add($"{Groups[g].Label} paper", Column(Lines.Select(l => (object)(l.Cells[group].Paper?.Value is double p ? SeedSpread.Round(p) : "—"))));
                builder.Add($"{Groups[g].Label} Δ", Column(Lines.Select(l => (object)(l.Cells[group].Difference is double d ? Signed(d) : "—"))));
            }
        }
        return builder.Frame;
    }

    /// <summary>
    /// The few-shot cells as <see cref="ComparisonRow"/>s (what the accuracy-against-shots chart draws), averages included;
    /// missing cells are left out, and a zero-shot cell is given once per dataset as shots 0.
    /// </summary>
    public IReadOnlyList<ComparisonRow> ComparisonRows()
    {
        int shotsColumn = KeyColumns.ToList().IndexOf("shots");
        var rows = new List<ComparisonRow>();
        foreach (var line in Lines)
            for (int g = 0; g < Groups.Count; g++)
            {
                var cell = line.Cells[g];
                if (cell.Ours is not { } ours) continue;
                var group = Groups[g];
                int shots = shotsColumn >= 0 && group.Method != AdapterMethod.ZeroShot ? int.Parse(line.Keys[shotsColumn], CultureInfo.InvariantCulture) : 0;
                if (group.Method == AdapterMethod.ZeroShot && rows.Any(r => r.Dataset == line.Keys[0] && r.Method == AdapterMethod.ZeroShot && r.Shots == 0)) continue;
                rows.Add(new ComparisonRow(line.Keys[0], shots, group.Method, ours.Mean, ours.Sd, ours.N,
                    cell.Paper?.Method ?? PaperTables.PaperMethodFor(group.Method), cell.Paper?.Value, cell.Difference,
                    cell.Paper?.Status ?? "no published number", cell.Paper?.Source ?? ""));
            }
        return rows;
    }

    private static Series<int, object> Column(IEnumerable<object> values)
    {
        var series = new SeriesBuilder<int, object>();
        int i = 0;
        foreach (var v in values) series.Add(i++, v);
        return series.Series;
    }

    private static string Number(double? v) => v is double d && double.IsFinite(d) ? SeedSpread.Round(d) : "";

    private static string Signed(double v) => (v >= 0 ? "+" : "−") + SeedSpread.Round(Math.Abs(v));
}
