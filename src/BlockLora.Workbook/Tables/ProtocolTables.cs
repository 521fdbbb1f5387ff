using System.Globalization;
using BlockLora.Adapters;
using BlockLora.Data;
using BlockLora.Experiments;
using BlockLora.Results;

namespace BlockLora.Workbook.Tables;

/// <summary>
/// Builds each kind of table from the rows of exactly its grid's runs (<see cref="TableRuns"/>). Every cell is mean ± sd
/// over the seeds found, with n; an average over datasets is taken per seed first (the mean over datasets of seed s),
/// then mean ± sd over the seeds complete on every dataset, so it equals the mean of its dataset cells whenever those have
/// the same seeds. LoRA against Block-LoRA is a paired difference over (dataset, seed) with a 95 % Student-t interval.
/// </summary>
public static class ProtocolTables
{
    /// <summary>The table <paramref name="file"/> declares, from <paramref name="stored"/>, beside <paramref name="paper"/>.</summary>
    /// <param name="tableBase">What the grid does not set (defaults and custom datasets; model and device do not matter).</param>
    /// <param name="fillCommand">The command that runs the grid's missing runs into the same store.</param>
    public static ProtocolTable Build(GridFile file, RunSpec tableBase, IReadOnlyList<RunRecord> stored, IReadOnlyList<PaperValue> paper,
        string fillCommand, TableSelection? selection = null)
    {
        if (file.Table.Length == 0) throw new InvalidDataException($"{file.Path}: declares no table (add 'table: fewshot', 'base-to-new', 'cross-dataset', 'domain-generalization' or 'ablation')");
        var kind = TableKinds.Parse(file.Table, file.Path);
        var runs = TableRuns.Match(file, tableBase, stored, selection);
        string name = Path.GetFileNameWithoutExtension(file.Path);
        string title = file.Description.Length > 0 ? $"{name}: {file.Description}" : name;
        var notes = new List<string>
        {
            "Cells: mean ± sd over seeds (sample sd), n = seeds found; sd is — for a single value, never 0.00.",
        };
        if (runs.Variant.Length > 0) notes.Add($"Backbone, device and precision of these rows: {runs.Variant}.");
        notes.Add($"{runs.RunCount} runs, {runs.Rows.Count} expected rows ({runs.Rows.Count - runs.Missing.Count} found), defined by {Shown(file.Path)}.");
        return kind switch
        {
            TableKind.FewShot => FewShot(name, title, runs, paper, notes, fillCommand),
            TableKind.BaseToNew => BaseToNew(name, title, runs, paper, notes, fillCommand),
            TableKind.CrossDataset or TableKind.DomainGeneralization => Transfer(name, kind, title, runs, paper, notes, fillCommand),
            TableKind.Ablation => Ablation(name, title, runs, notes, fillCommand),
            _ => throw new ArgumentOutOfRangeException(nameof(file), kind, "no layout for this table kind"),
        };
    }

    private static ProtocolTable FewShot(string name, string title, TableRuns runs, IReadOnlyList<PaperValue> paper, List<string> notes, string fill)
    {
        var own = runs.Rows.Where(IsOwn).ToArray();
        var groups = Groups(runs.Rows);
        var datasets = own.Select(r => r.Spec.Dataset).Distinct().ToArray();
        var shots = own.Where(r => !r.Spec.IsZeroShot).Select(r => r.Spec.Shots).Distinct().Order().ToArray();
        if (shots.Length == 0) shots = [0];
        var lines = new List<TableLine>();
        foreach (var dataset in datasets)
            foreach (int k in shots)
                lines.Add(new TableLine([dataset, Text(k)], groups.Select(g =>
                {
                    var rows = own.Where(r => g.Rows.Contains(r) && r.Spec.Dataset == dataset && (r.Spec.IsZeroShot || r.Spec.Shots == k)).ToArray();
                    return Cell(rows, Published(paper, PaperNumbers.FewShotPerDataset, g.Group.Method, dataset, g.Group.Method == AdapterMethod.ZeroShot ? 0 : k));
                }).ToArray()));
        string average = $"{PaperNumbers.Average} ({datasets.Length})";
        foreach (int k in shots)
            lines.Add(new TableLine([average, Text(k)], groups.Select(g =>
                AverageCell(datasets.Select(d => own.Where(r => g.Rows.Contains(r) && r.Spec.Dataset == d && (r.Spec.IsZeroShot || r.Spec.Shots == k)).ToArray()).ToArray(),
                    Published(paper, PaperNumbers.FewShotAverage, g.Group.Method, PaperNumbers.Average, k))).ToArray(), IsAverage: true));

        notes.Add($"{average}: for each seed the mean over the {datasets.Length} datasets, then mean ± sd over the seeds found on every dataset; the published average is over the papers' 11 datasets (ViT-B/16), so compare it only in the paper profile.");
        notes.Add("Zero-shot has no seed: its cell is one deterministic evaluation (n=1).");
        var lora = groups.Where(g => g.Group.Method == AdapterMethod.Lora).ToArray();
        if (lora.Length == 1)
            foreach (var block in groups.Where(g => g.Group.Method == AdapterMethod.BlockLora))
            {
                foreach (int k in shots)
                    notes.Add(Paired($"{block.Group.Label} − {lora[0].Group.Label}, {k} shot{(k == 1 ? "" : "s")}", own, lora[0].Rows, block.Rows, r => r.Spec.Shots == k).Format());
                if (shots.Length > 1)
                    notes.Add(Paired($"{block.Group.Label} − {lora[0].Group.Label}, all shots", own, lora[0].Rows, block.Rows, _ => true).Format());
            }
        return new ProtocolTable(name, TableKind.FewShot, title, ["dataset", "shots"], groups.Select(g => g.Group).ToArray(), lines, notes, runs, fill);
    }

    private static ProtocolTable BaseToNew(string name, string title, TableRuns runs, IReadOnlyList<PaperValue> paper, List<string> notes, string fill)
    {
        var methods = Groups(runs.Rows);
        var datasets = runs.Rows.Select(r => r.Spec.Dataset).Distinct().ToArray();
        string[] parts = ["base", "new", "HM"];
        var lines = new List<TableLine>();
        // One line per dataset and method, columns base, new and their harmonic mean (of the means, as the papers take it).
        TableCell[] Cells(TableCell b, TableCell n, PaperValue? hmPaper) =>
        [
            b,
            n,
            b.Ours is { } bo && n.Ours is { } no
                ? new TableCell(new SeedSpread(HarmonicMean.Of(bo.Mean, no.Mean), null, Math.Min(bo.N, no.N), []), Math.Max(b.Expected, n.Expected), hmPaper)
                : new TableCell(null, Math.Max(b.Expected, n.Expected), hmPaper),
        ];
        foreach (var dataset in datasets)
            foreach (var m in methods)
                lines.Add(new TableLine([dataset, m.Group.Label], Cells(
                    Cell(runs.Rows.Where(r => m.Rows.Contains(r) && r.Spec.Dataset == dataset && r.Classes == ClassSubset.Base).ToArray(), null),
                    Cell(runs.Rows.Where(r => m.Rows.Contains(r) && r.Spec.Dataset == dataset && r.Classes == ClassSubset.New).ToArray(), null), null)));
        foreach (var m in methods)
        {
            PaperValue? Published(string metric) => paper.FirstOrDefault(p => p.Table == PaperNumbers.BaseToNew && p.Method == PaperTables.PaperMethodFor(m.Group.Method) && p.Dataset == PaperNumbers.Average && p.Metric == metric);
            TableCell Half(ClassSubset half, string metric) =>
                AverageCell(datasets.Select(d => runs.Rows.Where(r => m.Rows.Contains(r) && r.Spec.Dataset == d && r.Classes == half).ToArray()).ToArray(), Published(metric));
            lines.Add(new TableLine([$"{PaperNumbers.Average} ({datasets.Length})", m.Group.Label], Cells(Half(ClassSubset.Base, "base"), Half(ClassSubset.New, "new"), Published("harmonic_mean")), IsAverage: true));
        }
        notes.Add("Base: the classes trained on; new: the other classes of the dataset, never seen. HM = 2·base·new / (base + new) of the means (the papers' convention), so it has no sd.");
        notes.Add("The published numbers are 11-dataset averages (ViT-B/16); the papers give no per-dataset base-to-new numbers here.");
        return new ProtocolTable(name, TableKind.BaseToNew, title, ["dataset", "method"],
            parts.Select(p => new TableGroup(p, AdapterMethod.ZeroShot, 0, 0, p)).ToArray(), lines, notes, runs, fill);
    }

    private static ProtocolTable Transfer(string name, TableKind kind, string title, TableRuns runs, IReadOnlyList<PaperValue> paper, List<string> notes, string fill)
    {
        var groups = Groups(runs.Rows);
        string paperTable = TableKinds.PaperTable(kind)!;
        var sources = runs.Rows.Select(r => r.Spec.Dataset).Distinct().ToArray();
        var targets = runs.Rows.Where(r => r.EvalDataset.Length > 0).Select(r => r.EvalDataset).Distinct().ToArray();
        var lines = new List<TableLine>();
        foreach (var source in sources)
            lines.Add(new TableLine([$"{source} (source)"], groups.Select(g =>
                Cell(runs.Rows.Where(r => g.Rows.Contains(r) && IsOwn(r) && r.Spec.Dataset == source).ToArray(), Published(paper, paperTable, g.Group.Method, source, null))).ToArray()));
        foreach (var target in targets)
            lines.Add(new TableLine([target], groups.Select(g =>
                Cell(runs.Rows.Where(r => g.Rows.Contains(r) && r.EvalDataset == target).ToArray(), Published(paper, paperTable, g.Group.Method, target, null))).ToArray()));
        lines.Add(new TableLine([$"{PaperNumbers.Average} ({targets.Length} target{(targets.Length == 1 ? "" : "s")})"], groups.Select(g =>
            AverageCell(targets.Select(t => runs.Rows.Where(r => g.Rows.Contains(r) && r.EvalDataset == t).ToArray()).ToArray(),
                Published(paper, paperTable, g.Group.Method, PaperNumbers.Average, null))).ToArray(), IsAverage: true));
        notes.Add("Each adapter is trained on the source and scored on the targets without retraining; the average is over targets, per seed, then mean ± sd over seeds.");
        return new ProtocolTable(name, kind, title, ["dataset"], groups.Select(g => g.Group).ToArray(), lines, notes, runs, fill);
    }

    private static ProtocolTable Ablation(string name, string title, TableRuns runs, List<string> notes, string fill)
    {
        var own = runs.Rows.Where(IsOwn).ToArray();
        var varied = RunSettings.All.Select(s => s.Key).Where(k => k != "seed")
            .Where(k => own.Select(r => Choice(r.Run, k)).Distinct(StringComparer.Ordinal).Count() > 1).ToArray();
        var points = own.GroupBy(r => string.Join("\n", varied.Select(k => Choice(r.Run, k))), StringComparer.Ordinal).ToArray();
        var lines = points.Select(p =>
        {
            var first = p.First().Spec;
            var adapter = first.ResolvedAdapter;
            var found = p.Where(r => r.Found is not null).Select(r => r.Found!).ToArray();
            string parameters = found.Length == 0 ? "—" : ((long)found.Average(r => r.TrainableParameters)).ToString("N0", CultureInfo.InvariantCulture);
            return new TableLine([.. varied.Select(k => Choice(p.First().Run, k)), first.IsZeroShot ? "zero-shot" : adapter.Label(), parameters],
                [Cell(p.ToArray(), null)]);
        }).ToArray();
        var dataset = own.Select(r => $"{r.Spec.Dataset}, {r.Spec.Shots} shots").Distinct().ToArray();
        notes.Add($"On {string.Join("; ", dataset)}; trainable parameters as measured on the live adapters.");
        return new ProtocolTable(name, TableKind.Ablation, title, [.. varied, "adapter", "trainable parameters"],
            [new TableGroup("top-1 (%)", AdapterMethod.BlockLora, 0, 0)], lines, notes, runs, fill);
    }

    /// <summary>The method configurations of a table: runs grouped by every choice but dataset, shots, seed and eval-on.</summary>
    private static IReadOnlyList<(HashSet<ExpectedRow> Rows, TableGroup Group)> Groups(IReadOnlyList<ExpectedRow> rows)
    {
        string[] cellKeys = ["dataset", "shots", "seed", "eval-on", "classes"];
        string Key(ExpectedRow r) => string.Join("\n", r.Run.Choices.Where(c => !cellKeys.Contains(c.Option.Key) && !(r.Spec.IsZeroShot && c.Option.Key != "method")).Select(c => $"{c.Option.Key}={c.Value}"));
        var grouped = rows.GroupBy(Key, StringComparer.Ordinal).ToArray();
        var extraKeys = RunSettings.All.Select(s => s.Key).Where(k => !cellKeys.Contains(k) && !AdapterLabels.SpelledKeys.Contains(k))
            .Where(k => grouped.Where(g => !g.First().Spec.IsZeroShot).Select(g => Choice(g.First().Run, k)).Distinct().Count() > 1).ToArray();
        return grouped.Select(g =>
        {
            var spec = g.First().Spec;
            var adapter = spec.ResolvedAdapter;
            string label = spec.IsZeroShot ? "zero-shot" : adapter.Label()
                + string.Concat(extraKeys.Select(k => $" {k}={Choice(g.First().Run, k)}"));
            return (g.ToHashSet(), new TableGroup(label, spec.Method, spec.IsZeroShot ? 0 : adapter.Rank, spec.IsZeroShot ? 0 : adapter.Blocks));
        }).OrderBy(g => Array.IndexOf(AdapterMethods.All, g.Item2.Method)).ToArray();
    }

    private static string Choice(SweepConfig.PlannedRun run, string key) => run.Choices.FirstOrDefault(c => c.Option.Key == key)?.Value ?? "–";

    private static bool IsOwn(ExpectedRow r) => r.EvalDataset.Length == 0 && r.Classes == r.Spec.Classes;

    private static TableCell Cell(IReadOnlyList<ExpectedRow> rows, PaperValue? paper)
    {
        var found = rows.Where(r => r.Found is not null).Select(r => r.Found!.Accuracy).ToArray();
        return new TableCell(found.Length == 0 ? null : SeedSpread.Of(found), rows.Count, paper);
    }

    /// <summary>Per seed, the mean over the parts (datasets or targets); then the spread over the seeds every part has.</summary>
    private static TableCell AverageCell(IReadOnlyList<IReadOnlyList<ExpectedRow>> parts, PaperValue? paper)
    {
        int expected = parts.Count == 0 ? 0 : parts.Max(p => p.Count);
        if (parts.Count == 0 || parts.Any(p => p.All(r => r.Found is null))) return new TableCell(null, expected, paper);
        var bySeed = parts.Select(p => p.Where(r => r.Found is not null).GroupBy(r => r.Spec.IsZeroShot ? 0 : r.Spec.Seed).ToDictionary(g => g.Key, g => g.First().Found!.Accuracy)).ToArray();
        var seeds = bySeed.Select(d => d.Keys.AsEnumerable()).Aggregate((a, b) => a.Intersect(b)).Order().ToArray();
        if (seeds.Length == 0) return new TableCell(null, expected, paper);
        return new TableCell(SeedSpread.Of(seeds.Select(s => bySeed.Average(d => d[s]))), expected, paper);
    }

    private static PairedDifference Paired(string label, IReadOnlyList<ExpectedRow> own, HashSet<ExpectedRow> baseline, HashSet<ExpectedRow> method, Func<ExpectedRow, bool> where)
    {
        var reference = own.Where(r => baseline.Contains(r) && r.Found is not null && where(r)).ToDictionary(r => (r.Spec.Dataset, r.Spec.Shots, r.Spec.Seed), r => r.Found!.Accuracy);
        var differences = own.Where(r => method.Contains(r) && r.Found is not null && where(r))
            .Where(r => reference.ContainsKey((r.Spec.Dataset, r.Spec.Shots, r.Spec.Seed)))
            .Select(r => r.Found!.Accuracy - reference[(r.Spec.Dataset, r.Spec.Shots, r.Spec.Seed)]).ToArray();
        return PairedDifference.Of(label + " (over datasets × seeds)", differences);
    }

    private static PaperValue? Published(IReadOnlyList<PaperValue> paper, string table, AdapterMethod method, string dataset, int? shots) =>
        paper.FirstOrDefault(p => p.Table == table && p.Method == PaperTables.PaperMethodFor(method) && p.Dataset == dataset && (shots is null || p.Shots == shots));

    /// <summary>
    /// A path as a reader in the current folder would type it (relative when inside it).
    /// Outside it, a grid file under an <c>experiments/</c> folder is shown from there (<c>experiments/smoke/fewshot.yaml</c>),
    /// as a reader at the repository root types it: committed tables never carry one machine's absolute paths.
    /// </summary>
    internal static string Shown(string path)
    {
        string full = Path.GetFullPath(path);
        string relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), full);
        if (!relative.StartsWith("..", StringComparison.Ordinal) && !Path.IsPathRooted(relative)) return relative;
        for (var dir = Path.GetDirectoryName(full); dir is not null; dir = Path.GetDirectoryName(dir))
            if (Path.GetFileName(dir) == "experiments" && Path.GetDirectoryName(dir) is { } root) return Path.GetRelativePath(root, full);
        return full;
    }

    private static string Text(int shots) => shots.ToString(CultureInfo.InvariantCulture);
}
