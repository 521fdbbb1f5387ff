using System.Diagnostics;
using BlockLora.Experiments;
using BlockLora.IO;
using BlockLora.Results;

namespace BlockLora.Workbook.Tables;

/// <summary>What <c>blora tables</c> (and notebook 06) builds: which store, which grid files, where the files go.</summary>
public sealed record TablesConfig
{
    public required string ResultsDir { get; init; }
    /// <summary>Grid files that declare a table (<c>table:</c>); files without one are refused.</summary>
    public required IReadOnlyList<string> GridFiles { get; init; }
    /// <summary>Where the CSV and Markdown files go (null: write none, only build).</summary>
    public string? OutputDir { get; init; }
    /// <summary>What the grids leave unset: <see cref="RunSettings.Defaults"/> with the custom datasets their names may need.</summary>
    public required RunSpec TableBase { get; init; }
    public required string PaperDir { get; init; }
    public TableSelection Selection { get; init; } = new();
    /// <summary>The model and data root the fill command names (placeholders when not known).</summary>
    public string Model { get; init; } = "<model>";
    public string DataRoot { get; init; } = "<data-root>";
    /// <summary>The results folder as the fill command names it (the profile's, relative to the repository); default <see cref="ResultsDir"/>.</summary>
    public string? ResultsShown { get; init; }
}

/// <summary>The tables built, the files written and how long it took.</summary>
public sealed record TablesReport(IReadOnlyList<ProtocolTable> Tables, IReadOnlyList<string> Files, int StoredRows, TimeSpan Elapsed)
{
    /// <summary>One line per table (cells and missing rows), then the fill commands of tables with missing runs.</summary>
    public string Summary() => string.Join("\n", Tables.Select(t =>
        $"{t.Name}: {t.Lines.Count} lines, {t.Runs.Rows.Count - t.Runs.Missing.Count} of {t.Runs.Rows.Count} expected rows found"
        + (t.Runs.Missing.Count == 0 ? "" : $"; {t.Runs.Missing.Count} missing, fill with: {t.FillCommand}")))
        + $"\n{StoredRows} stored rows read; {Tables.Count} tables in {Elapsed.TotalSeconds:F2} s"
        + (Files.Count == 0 ? "" : $"\nwrote {Files.Count} files to {Path.GetDirectoryName(Files[0])}");
}

/// <summary>Builds every table of a set of grid files from one results folder and writes each as CSV and Markdown.</summary>
public static class TablesJob
{
    public static TablesReport Run(TablesConfig config)
    {
        var clock = Stopwatch.StartNew();
        var folder = ResultsFolder.In(config.ResultsDir);
        if (!Directory.Exists(config.ResultsDir) || folder.StoreFiles.Count == 0)
            throw new FileNotFoundException($"{config.ResultsDir}: no results store here (results.csv or shards/*.csv); run a sweep into it first, or give the folder that holds results.csv");
        if (config.GridFiles.Count == 0) throw new ArgumentException("no grid files: give --grid FILE (a grid file with a table: line)");
        var stored = folder.ReadAll();
        var paper = PaperNumbers.Load(config.PaperDir);
        var tables = new List<ProtocolTable>();
        foreach (var path in config.GridFiles)
        {
            var file = SweepGridFile.ReadFile(path);
            string fill = $"blora sweep --grid {ProtocolTables.Shown(path)} --model {config.Model} --data-root {config.DataRoot} --results {config.ResultsShown ?? config.ResultsDir}";
            tables.Add(ProtocolTables.Build(file, config.TableBase, stored, paper, fill, config.Selection));
        }
        var files = new List<string>();
        if (config.OutputDir is { } output)
        {
            foreach (var table in tables)
            {
                string csv = Path.Combine(output, table.Name + ".csv"), md = Path.Combine(output, table.Name + ".md");
                AtomicFile.WriteAllText(csv, table.ToCsv());
                AtomicFile.WriteAllText(md, "# " + table.Name + "\n\n" + table.ToMarkdown());
                files.AddRange([csv, md]);
            }
        }
        return new TablesReport(tables, files, stored.Count, clock.Elapsed);
    }
}
