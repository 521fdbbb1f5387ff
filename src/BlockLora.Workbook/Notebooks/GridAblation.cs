using System.Net;
using BlockLora.Adapters;
using BlockLora.Experiments;
using BlockLora.Results;
using BlockLora.Workbook.Charts;
using BlockLora.Workbook.Tables;
using Plotly.NET;

namespace BlockLora.Workbook.Notebooks;

/// <summary>
/// One ablation grid file as 04 ran it (<see cref="WorkbookExperiments.Ablation"/>): the file, its grid, exactly the
/// runs it expanded to on the profile's dataset, shots and seed, and what the sweep did. The tables and charts built
/// from it hold these runs only, matched by run id, whatever else the results store holds.
/// </summary>
/// <param name="Name">The file's name without <c>.yaml</c>, e.g. <c>ablation-targets</c>.</param>
/// <param name="Grid">The file's grid (without the profile's outer dataset/shots/seed point).</param>
public sealed record GridAblation(
    string Name,
    string FilePath,
    string Description,
    SweepGrid Grid,
    IReadOnlyList<SweepConfig.Run> Runs,
    Sweep.Summary Summary,
    string ResultsDir)
{
    /// <summary>The file as written.</summary>
    public string Text => File.ReadAllText(FilePath);

    /// <summary>The options the file varies over its runs (<c>targets</c>; <c>method, rank, blocks</c>).</summary>
    public IReadOnlyList<string> VariedOptions => GridTables.VariedOptions(Grid, Runs);

    /// <summary>Ranks r of the file's adapter runs, ascending.</summary>
    public IReadOnlyList<int> Ranks => Adapted.Select(r => r.Spec.ResolvedAdapter.Rank).Distinct().Order().ToArray();

    /// <summary>Block counts n of the file's adapter runs (1 = LoRA), ascending.</summary>
    public IReadOnlyList<int> Blocks => Adapted.Select(r => r.Spec.ResolvedAdapter.Blocks).Distinct().Order().ToArray();

    private IEnumerable<SweepConfig.Run> Adapted => Runs.Where(r => !r.Spec.IsZeroShot);

    /// <summary>The stored rows of these runs (their own dataset's rows; reread on every call).</summary>
    public IReadOnlyList<RunRecord> Rows()
    {
        var ids = Runs.Select(r => r.Identity.Id).ToHashSet(StringComparer.Ordinal);
        return ResultsSummary.Load(ResultsDir).Where(r => r.EvalDataset.Length == 0 && ids.Contains(r.RunId)).ToArray();
    }

    /// <summary>These runs' results averaged over seeds (what <see cref="PaperTables.Ablation"/> takes).</summary>
    public IReadOnlyList<MethodSummary> Summaries() => ResultsSummary.MeanOverSeeds(Rows());

    /// <summary>One row per point of the file: the varied options, the adapter, top-1, parameters, train time.</summary>
    public IReadOnlyList<GridRow> Table() => GridTables.Rows(Grid, Runs, Rows());

    /// <summary>The runs as <c>blora sweep --dry-run</c> lists them: the options set for each, the adapter, the short run id, the run folder.</summary>
    public IReadOnlyList<GridRun> RunList() =>
        Runs.Select(r => new GridRun(r.Label, r.Spec.IsZeroShot ? "zero-shot" : r.Spec.ResolvedAdapter.Label(),
            r.Identity.ShortId, Path.GetRelativePath(ResultsDir, r.Spec.RunFolder))).ToArray();

    /// <summary>The file's path, its description and its text, for a notebook cell.</summary>
    public string Html() => FileHtml(FilePath, Description);

    /// <summary>
    /// A grid file shown in a notebook: its path as <c>experiments/&lt;profile&gt;/&lt;name&gt;.yaml</c> (the folder
    /// <see cref="WorkbookProfile.ExperimentsDir"/> lays out), its description and its text as written.
    /// </summary>
    public static string FileHtml(string path, string? description = null)
    {
        string full = Path.GetFullPath(path);
        string? root = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(full)));
        string shown = root is null ? full : Path.GetRelativePath(root, full);
        return $"<div><b>{WebUtility.HtmlEncode(shown)}</b>{(string.IsNullOrEmpty(description) ? "" : ": " + WebUtility.HtmlEncode(description))}</div>"
            + $"<pre style=\"background:#f6f8fa;padding:8px;border:1px solid #ddd\">{WebUtility.HtmlEncode(File.ReadAllText(full))}</pre>";
    }

    /// <summary>Every grid file of the profile's <see cref="WorkbookProfile.ExperimentsDir"/>, one after the other.</summary>
    public static string FilesHtml(WorkbookProfile profile) =>
        profile.AblationGridNames() is { Count: > 0 } names
            ? string.Concat(names.Select(n => FileHtml(profile.AblationFile(n))))
            : $"<div>no grid files in {WebUtility.HtmlEncode(profile.ExperimentsDir)}</div>";

    /// <summary>
    /// What an ablation of <paramref name="profile"/> has to beat: the zero-shot top-1 stored for its train dataset (all
    /// classes, this backbone; null until the zero-shot notebook has written it) and the dataset's class count, for chance.
    /// </summary>
    public static (double? ZeroShotAccuracy, int Classes) References(WorkbookProfile profile)
    {
        var zeroShot = File.Exists(Path.Combine(profile.ResultsDir, "results.csv")) || Directory.Exists(Path.Combine(profile.ResultsDir, "shards"))
            ? ResultsSummary.MeanOverSeeds(ResultsSummary.Load(profile.ResultsDir))
                .FirstOrDefault(s => s.Method == AdapterMethod.ZeroShot && s.Dataset == profile.TrainDataset && s.EvalDataset.Length == 0 && s.IsAllClasses && s.Backbone == profile.Backbone)
            : null;
        return (zeroShot?.Accuracy, profile.ResolveDataset(profile.TrainDataset).ClassCount);
    }

    /// <summary>
    /// Top-1 per point of the file as bars (one colour per method) with ±1 sd error bars over the point's finished seeds
    /// (none for one seed), the trainable parameters on each bar, and where given horizontal lines for the zero-shot
    /// accuracy and chance (100 / classes): a bar means little without what adapting has to beat.
    /// </summary>
    /// <param name="zeroShotAccuracy">Zero-shot top-1 (%) on the dataset the points trained on; no line when null.</param>
    /// <param name="classes">The dataset's class count, for the chance line; no line when null.</param>
    public GenericChart Chart(string title, string? subtitle = null, double? zeroShotAccuracy = null, int? classes = null)
    {
        var rows = Table().Where(r => r.Accuracy is not null).ToArray();
        var labels = rows.Select(r => r.Options.Count == 1 ? r.Options[0].Value : r.Label).ToArray();
        var bars = Plotly.NET.CSharp.Chart.Column<double, string, string>(rows.Select(r => r.Accuracy!.Value), Keys: labels, Name: "top-1",
            MultiText: rows.Select(r => $"{r.TrainableParameters:N0} params").ToArray(),
            MarkerColor: Color.fromColors(rows.Select(r => Color.fromString(r.Method == AdapterMethod.Lora ? "#1f77b4" : "#d62728"))));
        bars = SpreadLabels.WithErrorY(bars, SpreadLabels.BarLengths(rows.Select(r => (r.Std, r.Finished))), "#333333");
        var references = References(zeroShotAccuracy, classes);
        bars = ReferenceLines.With(bars, references);
        double top = Math.Max(rows.Select(r => r.Accuracy!.Value + (r.Std ?? 0)).DefaultIfEmpty(0).Max(), references.Select(r => r.Y).DefaultIfEmpty(0).Max());
        bars = Plotly.NET.CSharp.GenericChartExtensions.WithYAxisStyle<double, double, string>(bars, TitleText: "top-1 (%)", MinMax: Tuple.Create(0.0, Math.Min(100, top * 1.1 + 1)));
        bars = Plotly.NET.CSharp.GenericChartExtensions.WithXAxisStyle<double, double, string>(bars, TitleText: string.Join(", ", VariedOptions));
        return WorkbookCharts.Titled(bars, title, SpreadLabels.Subtitle(rows.Select(r => r.Finished), subtitle));
    }

    /// <summary>
    /// Top-1 (mean ± sd over each point's seeds) against the trainable parameters measured on the live adapters, one
    /// colour per method family (<see cref="WorkbookCharts.AccuracyVsParametersByFamily"/>), with the zero-shot and chance
    /// lines where given: the methods ablation's view of what each parameter budget buys.
    /// </summary>
    public GenericChart ParametersChart(string title, string? subtitle = null, double? zeroShotAccuracy = null, int? classes = null) =>
        WorkbookCharts.AccuracyVsParametersByFamily(Table(), title, subtitle, References(zeroShotAccuracy, classes));

    private static IReadOnlyList<ReferenceLine> References(double? zeroShotAccuracy, int? classes)
    {
        var references = new List<ReferenceLine>();
        if (zeroShotAccuracy is { } zs) references.Add(new ReferenceLine(zs, "zero-shot", "#7f7f7f"));
        if (classes is > 0) references.Add(new ReferenceLine(100.0 / classes.Value, $"chance (1/{classes})", "#000000", "dot"));
        return references;
    }
}

/// <summary>One run of a grid file, for a listing: the options the sweep set, the adapter, the short run id and the run folder (relative to the results folder).</summary>
public sealed record GridRun(string Run, string Adapter, string Id, string Folder);
