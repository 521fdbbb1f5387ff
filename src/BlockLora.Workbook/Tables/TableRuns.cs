using System.Text.Json.Nodes;
using BlockLora.Data;
using BlockLora.Experiments;
using BlockLora.Results;
using BlockLora.Torch;

namespace BlockLora.Workbook.Tables;

/// <summary>One row a table's grid expects: a run, the set it is scored on, and the stored row that matched (null: missing).</summary>
public sealed record ExpectedRow(SweepConfig.PlannedRun Run, string EvalDataset, ClassSubset Classes, RunRecord? Found)
{
    public RunSpec Spec => Run.Spec;

    /// <summary>The dataset the row's accuracy was measured on.</summary>
    public string Target => EvalDataset.Length == 0 ? Spec.Dataset : EvalDataset;

    /// <summary>The options that differ between the grid's runs (set by <see cref="TableRuns.Match"/>), which <see cref="Label"/> names.</summary>
    public IReadOnlySet<string> Varied { get; init; } = new HashSet<string>();

    /// <summary><c>dataset=Digits method=lora shots=4 seed=2</c> (+ <c>→ FashionSeen</c>, <c>[new]</c>): what a missing-runs listing names.</summary>
    public string Label => string.Join(" ", Run.Choices.Where(c => Varied.Count == 0 || Varied.Contains(c.Option.Key)).Select(c => $"{c.Option.Key}={c.Value}"))
        + (EvalDataset.Length > 0 ? $" → {EvalDataset}" : "") + (Classes != ClassSubset.All && Classes != Spec.Classes ? $" [{ClassSubsets.Format(Classes)}]" : "");
}

/// <summary>
/// The stored rows of exactly the runs a grid file defines. Each run the grid expands to (<see cref="SweepConfig.PlannedRuns"/>)
/// expects one row per set it is scored on (<see cref="RunSpec.RowKeys"/>); a stored row matches when its whole config
/// equals the planned one (<see cref="RunIdentity.Planned(RunSpec, string, ClassSubset?)"/>). What the machine decides —
/// the backbone, the device, an auto precision — is left open in that comparison, and then must be one and the same over
/// the whole table: a store holding two backbones (or two precisions from auto on different CPUs) is refused with both
/// named, unless <see cref="TableSelection"/> picks one. A row of any other configuration never enters, whatever its
/// method, rank and block count.
/// </summary>
public sealed record TableRuns(GridFile File, IReadOnlyList<ExpectedRow> Rows, string Variant)
{
    public IReadOnlyList<ExpectedRow> Missing => Rows.Where(r => r.Found is null).ToArray();

    /// <summary>Distinct runs of the grid.</summary>
    public int RunCount => Rows.Select(r => r.Run.Planned).Distinct().Count();

    public static TableRuns Match(GridFile file, RunSpec tableBase, IReadOnlyList<RunRecord> stored, TableSelection? selection = null)
    {
        selection ??= new TableSelection();
        IReadOnlyList<SweepConfig.PlannedRun> runs;
        try
        {
            runs = new SweepConfig { Base = tableBase, Grids = [file.Grid] }.PlannedRuns();
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException(e.Message.Contains(file.Path, StringComparison.Ordinal) ? e.Message : $"{file.Path}: {e.Message}");
        }

        // Every stored row under both openings (precision open or kept), so each planned row is one dictionary look-up.
        var byOpen = new Dictionary<string, List<RunRecord>>(StringComparer.Ordinal);
        var byKept = new Dictionary<string, List<RunRecord>>(StringComparer.Ordinal);
        foreach (var row in stored.Where(r => r.Config.Length > 0))
        {
            Add(byOpen, RunIdentity.Planned(row.Config, openPrecision: true), row);
            Add(byKept, RunIdentity.Planned(row.Config, openPrecision: false), row);
        }

        var candidates = new List<(SweepConfig.PlannedRun Run, string EvalDataset, ClassSubset Classes, List<RunRecord> Rows)>();
        foreach (var run in runs)
            foreach (var (evalDataset, evalClasses) in run.Spec.RowKeys)
            {
                string planned = RunIdentity.Planned(run.Spec, evalDataset, evalClasses);
                var index = run.Spec.Train.Precision == Precision.Auto ? byOpen : byKept;
                var rows = index.TryGetValue(planned, out var found) ? found.Where(selection.Accepts).ToList() : [];
                candidates.Add((run, evalDataset, evalClasses ?? run.Spec.Classes, rows));
            }

        var variants = candidates.SelectMany(c => c.Rows).GroupBy(MachineOf).ToArray();
        if (variants.Length > 1)
            throw new InvalidDataException($"{file.Path}: the results hold this table's runs for {variants.Length} backbones or precisions: "
                + string.Join("; ", variants.Select(v => $"{v.Key} ({v.Count()} rows)"))
                + "; a table never averages across them: name one with --backbone NAME and/or --precision P");
        string variant = variants.Length == 1 ? variants[0].Key : "";
        var varied = RunSettings.All.Select(s => s.Key)
            .Where(k => runs.Select(r => r.Choices.FirstOrDefault(c => c.Option.Key == k)?.Value).Distinct().Count() > 1).ToHashSet(StringComparer.Ordinal);
        return new TableRuns(file, candidates.Select(c => new ExpectedRow(c.Run, c.EvalDataset, c.Classes,
            c.Rows.OrderByDescending(r => r.Date).FirstOrDefault()) { Varied = varied }).ToArray(), variant);
    }

    /// <summary>What the machine decided for a stored row: backbone name and fingerprint, device and precision.</summary>
    public static string MachineOf(RunRecord row)
    {
        var config = JsonNode.Parse(row.Config)!.AsObject();
        string fingerprint = config["backbone"]?["fingerprint"]?.GetValue<string>() ?? "";
        return $"{row.Backbone} ({fingerprint[..Math.Min(8, fingerprint.Length)]}) {config["device"]?.GetValue<string>()} {row.Precision}";
    }

    private static void Add(Dictionary<string, List<RunRecord>> index, string key, RunRecord row)
    {
        if (!index.TryGetValue(key, out var list)) index[key] = list = [];
        list.Add(row);
    }
}

/// <summary>Which backbone and precision a table takes when the store holds several (null: the only one there).</summary>
/// <param name="Backbone">A backbone name, or the start of its fingerprint.</param>
public sealed record TableSelection(string? Backbone = null, string? Precision = null)
{
    public bool Accepts(RunRecord row)
    {
        if (Precision is { Length: > 0 } p && !string.Equals(row.Precision, p, StringComparison.OrdinalIgnoreCase)) return false;
        if (Backbone is not { Length: > 0 } b) return true;
        if (string.Equals(row.Backbone, b, StringComparison.Ordinal)) return true;
        var fingerprint = JsonNode.Parse(row.Config)!["backbone"]?["fingerprint"]?.GetValue<string>() ?? "";
        return b.Length >= 4 && fingerprint.StartsWith(b, StringComparison.OrdinalIgnoreCase);
    }
}
