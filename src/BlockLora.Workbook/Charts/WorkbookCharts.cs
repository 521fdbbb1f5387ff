using BlockLora.Adapters;
using BlockLora.Training;
using BlockLora.Workbook.Tables;
using Microsoft.FSharp.Core;
using Plotly.NET;
using Plotly.NET.LayoutObjects;
using Plotly.NET.TraceObjects;
using Chart = Plotly.NET.CSharp.Chart;

namespace BlockLora.Workbook.Charts;

/// <summary>
/// The workbook's Plotly figures, built from library records (results summaries, comparison rows, training steps),
/// so a notebook cell is one call. Methods keep one colour everywhere; published numbers are dashed.
/// </summary>
public static class WorkbookCharts
{
    private static readonly Dictionary<AdapterMethod, string> MethodColors = new()
    {
        [AdapterMethod.ZeroShot] = "#7f7f7f",
        [AdapterMethod.Lora] = "#1f77b4",
        [AdapterMethod.BlockLora] = "#d62728",
        [AdapterMethod.Vera] = "#2ca02c",
    };

    private static readonly string[] Palette = ["#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#bcbd22", "#17becf", "#ff7f0e", "#1f77b4", "#aec7e8", "#98df8a", "#c5b0d5", "#ffbb78"];

    /// <summary>Subtitle lines longer than this are wrapped: Plotly clips a title at the figure's edge, ~120 characters of the small font at 760 px.</summary>
    private const int SubtitleLineLength = 110;

    /// <summary>Plotly's default top margin, which holds a title and one subtitle line.</summary>
    private const int DefaultTopMargin = 100;
    /// <summary>Height of each further subtitle line (a <c>&lt;br&gt;</c> in a title spans the title font's line height).</summary>
    private const int SubtitleLineHeight = 22;

    /// <summary>
    /// The chart with a title (and the profile's label as a subtitle, wrapped onto a few lines, when given); the top
    /// margin grows with the lines so they never overlap the plot or its subplot titles.
    /// </summary>
    public static GenericChart Titled(GenericChart chart, string title, string? subtitle = null)
    {
        if (subtitle is null) return Plotly.NET.Chart.withTitle(title, FSharpOption<Font>.None).Invoke(chart);
        var lines = WrapWords(subtitle, SubtitleLineLength).ToArray();
        var titled = Plotly.NET.Chart.withTitle($"{title}<br><sup>{string.Join("<br>", lines)}</sup>", FSharpOption<Font>.None).Invoke(chart);
        if (lines.Length <= 1) return titled;
        // Set as plain dynamic properties: Layout.init/Margin.init take all ~80 of their options positionally from C#.
        var margin = new Margin();
        margin.SetProperty("t", DefaultTopMargin + SubtitleLineHeight * (lines.Length - 1));
        var layout = new Layout();
        layout.SetProperty("margin", margin);
        return Plotly.NET.Chart.withLayout(layout).Invoke(titled);
    }

    private static IEnumerable<string> WrapWords(string text, int lineLength)
    {
        var line = new System.Text.StringBuilder();
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > lineLength)
            {
                yield return line.ToString();
                line.Clear();
            }
            if (line.Length > 0) line.Append(' ');
            line.Append(word);
        }
        if (line.Length > 0) yield return line.ToString();
    }

    /// <summary>
    /// Train and test images per dataset (grouped bars) in one panel and classes in a panel of its own: a class count of
    /// ~10 on an axis that reaches thousands of images would be a bar a pixel high.
    /// </summary>
    public static GenericChart DatasetSizes(IReadOnlyList<(string Dataset, int Classes, int Train, int Test)> rows, string? subtitle = null)
    {
        var names = rows.Select(r => r.Dataset).ToArray();
        var images = Chart.Combine(
        [
            Chart.Column<int, string, string>(rows.Select(r => r.Train), Keys: names, Name: "train images", MarkerColor: Color.fromString("#1f77b4")),
            Chart.Column<int, string, string>(rows.Select(r => r.Test), Keys: names, Name: "test images", MarkerColor: Color.fromString("#ff7f0e")),
        ]);
        images = Plotly.NET.CSharp.GenericChartExtensions.WithYAxisStyle<int, int, string>(images, TitleText: "images");
        var classes = Chart.Column<int, string, string>(rows.Select(r => r.Classes), Keys: names, Name: "classes", MarkerColor: Color.fromString("#2ca02c"),
            MultiText: rows.Select(r => r.Classes.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray(), TextPosition: StyleParam.TextPosition.Auto);
        classes = Plotly.NET.CSharp.GenericChartExtensions.WithYAxisStyle<int, int, string>(classes, TitleText: "classes");
        var grid = Chart.Grid([images, classes], 1, 2, SubPlotTitles: new[] { "images per split", "classes" }, XGap: 0.25);
        return Plotly.NET.CSharp.GenericChartExtensions.WithSize(Titled(grid, "Datasets: classes and images", subtitle), 1000, 500);
    }

    /// <summary>Zero-shot top-1 per dataset, beside chance (100 / classes).</summary>
    public static GenericChart ZeroShot(IReadOnlyList<(string Dataset, double Accuracy, int Classes)> rows, string? subtitle = null)
    {
        var names = rows.Select(r => r.Dataset).ToArray();
        var chart = Chart.Combine(
        [
            Chart.Column<double, string, string>(rows.Select(r => r.Accuracy), Keys: names, Name: "zero-shot top-1", MarkerColor: Color.fromString(MethodColors[AdapterMethod.ZeroShot])),
            Chart.Column<double, string, string>(rows.Select(r => 100.0 / r.Classes), Keys: names, Name: "chance", MarkerColor: Color.fromString("#c7c7c7")),
        ]);
        chart = Plotly.NET.CSharp.GenericChartExtensions.WithYAxisStyle<double, double, string>(chart, TitleText: "top-1 (%)", MinMax: Tuple.Create(0.0, 100.0));
        // Zero-shot samples no shots and trains nothing: one evaluation per dataset is the whole result, with no seed spread to show.
        return Titled(chart, "Zero-shot accuracy per dataset", $"deterministic: one evaluation per dataset, no seeds{(subtitle is null ? "" : "; " + subtitle)}");
    }

    /// <summary>
    /// Confusion counts (rows: true class, columns: predicted), each cell's count written in white on dark cells and in
    /// near-black on light ones (<see cref="HeatmapScale.TextColorOn"/>), with a colour bar. Counts are anchored at 0:
    /// the scale shows how many images, and an empty cell is the lightest-to-darkest reference.
    /// </summary>
    public static GenericChart Confusion(long[,] counts, IReadOnlyList<string> classNames, string title, string? subtitle = null)
    {
        int n = classNames.Count;
        var z = Enumerable.Range(0, n).Select(t => Enumerable.Range(0, n).Select(p => (double)counts[t, p]).ToArray()).ToArray();
        double zmax = Math.Max(1, z.SelectMany(r => r).Max());
        var chart = Chart.Heatmap<double, string, string, string>(z, X: classNames.ToArray(), Y: classNames.ToArray(), ReverseYAxis: true, ShowScale: true);
        chart = GenericChart.mapTrace(FuncConvert.FromFunc<Trace, Trace>(t =>
        {
            t.SetProperty("colorscale", HeatmapScale.ToPlotly(HeatmapScale.YlGnBu));
            t.SetProperty("zmin", 0.0);
            t.SetProperty("zmax", zmax);
            var bar = new ColorBar();
            bar.SetProperty("title", new Dictionary<string, object> { ["text"] = "images" });
            t.SetProperty("colorbar", bar);
            return t;
        }), chart);
        var annotations = new List<Annotation>();
        for (int row = 0; row < n; row++)
            for (int col = 0; col < n; col++)
            {
                var cell = new Annotation();
                cell.SetProperty("x", classNames[col]);
                cell.SetProperty("y", classNames[row]);
                cell.SetProperty("text", z[row][col].ToString("0", System.Globalization.CultureInfo.InvariantCulture));
                cell.SetProperty("showarrow", false);
                var font = new Font();
                font.SetProperty("color", HeatmapScale.TextColorOn(HeatmapScale.ColorAt(HeatmapScale.YlGnBu, z[row][col] / zmax)));
                cell.SetProperty("font", font);
                annotations.Add(cell);
            }
        var layout = new Layout();
        layout.SetProperty("annotations", annotations);
        chart = Plotly.NET.Chart.withLayout(layout).Invoke(chart);
        chart = Plotly.NET.CSharp.GenericChartExtensions.WithXAxisStyle<double, double, string>(chart, TitleText: "predicted");
        chart = Plotly.NET.CSharp.GenericChartExtensions.WithYAxisStyle<double, double, string>(chart, TitleText: "true");
        return Titled(chart, title, subtitle);
    }

    /// <summary>Training loss and batch accuracy against the iteration (two stacked panels), from a live run's steps.</summary>
    public static GenericChart TrainingCurve(IReadOnlyList<TrainStep> steps, string title, string? subtitle = null) =>
        TrainingCurve(steps.Select(s => new MetricsRow(s.Iteration, s.Loss, s.LearningRate, s.BatchAccuracy, 0, 0)).ToArray(), title, subtitle);

    /// <summary>
    /// Training loss and batch accuracy from a run's <c>metrics.csv</c> (<see cref="MetricsLog.Read"/>): the same two panels,
    /// at the logged iterations only, so a finished or resumed run can be plotted without having watched it train.
    /// </summary>
    public static GenericChart TrainingCurve(IReadOnlyList<MetricsRow> rows, string title, string? subtitle)
    {
        var x = rows.Select(r => r.Iteration).ToArray();
        var loss = Plotly.NET.CSharp.GenericChartExtensions.WithYAxisStyle<double, double, string>(
            Chart.Line<int, double, string>(x, rows.Select(r => r.Loss), Name: "loss", LineColor: Color.fromString("#1f77b4")), TitleText: "loss");
        var accuracy = Plotly.NET.CSharp.GenericChartExtensions.WithYAxisStyle<double, double, string>(
            Chart.Line<int, double, string>(x, rows.Select(r => 100 * r.BatchAccuracy), Name: "batch accuracy (%)", LineColor: Color.fromString("#d62728")),
            TitleText: "batch accuracy (%)", MinMax: Tuple.Create(0.0, 100.0));
        accuracy = Plotly.NET.CSharp.GenericChartExtensions.WithXAxisStyle<double, double, string>(accuracy, TitleText: "iteration");
        return Titled(Chart.Grid([loss, accuracy], 2, 1), title, $"one training run (one seed){(subtitle is null ? "" : "; " + subtitle)}");
    }

    /// <summary>Horizontal gap between the heatmap panels, as a fraction of a panel's width: room for each panel's colour bar.</summary>
    private const double HeatmapXGap = 0.45;
    private const double HeatmapYGap = 0.3;

    /// <summary>
    /// The ablation as four annotated heatmaps over rank r (rows) × blocks n (columns): accuracy (mean ± sd over seeds),
    /// trainable parameters, train seconds, peak memory; each with its own colour bar, and a colour range from
    /// <see cref="HeatmapScale.ColorRange"/> so a few percent of timing or memory noise is not stretched over the whole scale.
    /// </summary>
    public static GenericChart AblationHeatmaps(IReadOnlyList<AblationRow> rows, string title, string? subtitle = null)
    {
        var ranks = rows.Select(r => r.Rank).Distinct().Order().ToArray();
        var blocks = rows.Select(r => r.Blocks).Distinct().Order().ToArray();
        var xs = blocks.Select(n => n == 1 ? "n=1 (LoRA)" : $"n={n}").ToArray();
        var ys = ranks.Select(r => $"r={r}").ToArray();
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        // Cell domains of a 2 × 2 grid: a cell is 1 / (2 + gap) of the figure, so each bar sits just right of its own panel.
        double cellWidth = 1 / (2 + HeatmapXGap), cellHeight = 1 / (2 + HeatmapYGap);
        GenericChart Panel(int index, Func<AblationRow, double> value, Func<AblationRow, string> format, StyleParam.Colorscale scale)
        {
            var cells = ranks.Select(r => blocks.Select(n => rows.FirstOrDefault(x => x.Rank == r && x.Blocks == n)).ToArray()).ToArray();
            var z = cells.Select(line => line.Select(c => c is null ? double.NaN : value(c)).ToArray()).ToArray();
            var text = cells.Select(line => line.Select(c => c is null ? "" : format(c)).ToArray()).ToArray();
            var (zmin, zmax) = HeatmapScale.ColorRange(z.SelectMany(v => v));
            int column = index % 2, row = index / 2;
            // Cell values as heatmap text (layout annotations would all land on the grid's first panel); plotly.js picks
            // white or black per cell for heatmap text by the cell's colour.
            var heatmap = Chart.Heatmap<double, string, string, string>(z, X: xs, Y: ys, MultiText: text.SelectMany(t => t).ToArray(), ColorScale: scale, ShowScale: true);
            return GenericChart.mapTrace(FuncConvert.FromFunc<Trace, Trace>(t =>
            {
                t.SetProperty("text", text);
                t.SetProperty("texttemplate", "%{text}");
                t.SetProperty("zmin", zmin);
                t.SetProperty("zmax", zmax);
                t.SetProperty("zauto", false);
                var bar = new ColorBar();
                bar.SetProperty("x", column * (1 + HeatmapXGap) * cellWidth + cellWidth + 0.01);
                bar.SetProperty("xanchor", "left");
                bar.SetProperty("y", 1 - (row * (1 + HeatmapYGap) * cellHeight + cellHeight / 2));
                bar.SetProperty("yanchor", "middle");
                bar.SetProperty("len", cellHeight);
                bar.SetProperty("thickness", 12);
                t.SetProperty("colorbar", bar);
                return t;
            }), heatmap);
        }
        var grid = Chart.Grid(
        [
            Panel(0, r => r.Accuracy, r => r.Seeds > 1 ? string.Create(inv, $"{r.Accuracy:F1} ± {r.Std:F1}") : r.Accuracy.ToString("F1", inv), StyleParam.Colorscale.Viridis),
            Panel(1, r => r.Parameters, r => r.Parameters.ToString("N0", inv), StyleParam.Colorscale.YIGnBu),
            Panel(2, r => r.TrainSeconds, r => r.TrainSeconds.ToString("F1", inv), StyleParam.Colorscale.YIOrRd),
            Panel(3, r => r.PeakMemoryMB, r => r.PeakMemoryMB.ToString("F0", inv), StyleParam.Colorscale.Greens),
        ], 2, 2, SubPlotTitles: new[] { "top-1 (%)", "trainable parameters", "train time (s)", "peak resident memory (MB)" }, XGap: HeatmapXGap, YGap: HeatmapYGap);
        return Plotly.NET.CSharp.GenericChartExtensions.WithSize(
            Titled(grid, title, SpreadLabels.Subtitle(rows.Select(r => r.Seeds), subtitle) + "; colour ranges span at least ±10 % of each panel's mean"), 1100, 760);
    }

    /// <summary>Accuracy (mean ± sd over seeds) and trainable parameters against the block count n, one line per rank.</summary>
    public static GenericChart AblationLines(IReadOnlyList<AblationRow> rows, string title, string? subtitle = null)
    {
        var ranks = rows.Select(r => r.Rank).Distinct().Order().ToArray();
        var accuracy = Chart.Combine(ranks.Select((r, i) =>
        {
            var line = rows.Where(x => x.Rank == r).OrderBy(x => x.Blocks).ToArray();
            var chart = Chart.Line<string, double, string>(line.Select(x => x.Blocks.ToString(System.Globalization.CultureInfo.InvariantCulture)), line.Select(x => x.Accuracy),
                ShowMarkers: true, Name: $"r={r}", LineColor: Color.fromString(Palette[i % Palette.Length]));
            return SpreadLabels.WithErrorY(chart, SpreadLabels.BarLengths(line.Select(x => ((double?)x.Std, x.Seeds))), Palette[i % Palette.Length]);
        }));
        accuracy = Plotly.NET.CSharp.GenericChartExtensions.WithYAxisStyle<double, double, string>(accuracy, TitleText: "top-1 (%)");
        var parameters = Chart.Combine(ranks.Select((r, i) =>
        {
            var line = rows.Where(x => x.Rank == r).OrderBy(x => x.Blocks).ToArray();
            return Chart.Line<string, long, string>(line.Select(x => x.Blocks.ToString(System.Globalization.CultureInfo.InvariantCulture)), line.Select(x => x.Parameters),
                ShowMarkers: true, Name: $"r={r}", ShowLegend: false, LineColor: Color.fromString(Palette[i % Palette.Length]));
        }));
        parameters = Plotly.NET.CSharp.GenericChartExtensions.WithYAxisStyle<double, double, string>(parameters, TitleText: "trainable parameters");
        parameters = Plotly.NET.CSharp.GenericChartExtensions.WithXAxisStyle<double, double, string>(parameters, TitleText: "blocks n (1 = LoRA)");
        return Titled(Chart.Grid([accuracy, parameters], 2, 1), title, SpreadLabels.Subtitle(rows.Select(r => r.Seeds), subtitle));
    }

    /// <summary>Title of the panel that holds the published averages, apart from ours: they are 11 datasets on ViT-B/16, ours a toy model on a few.</summary>
    public const string PublishedAveragesPanel = "Published: 11-dataset averages, ViT-B/16 (papers)";

    /// <summary>
    /// Accuracy against shots, one panel per dataset and one for our average: our zero-shot (flat, deterministic), LoRA
    /// and Block-LoRA (solid, mean ± sd over seeds), the published CLIP-LoRA numbers per dataset (dashed); every published
    /// 11-dataset average (ViT-B/16) goes in a panel of its own, never on the axes of our averages, which come from another
    /// model on other datasets. The grid has exactly as many cells as panels where it can (one row up to three panels),
    /// and no empty cell is given axes.
    /// </summary>
    public static GenericChart AccuracyVsShots(IReadOnlyList<ComparisonRow> fewShot, IReadOnlyList<PaperValue> paper, string title, string? subtitle = null)
    {
        var ours = fewShot.Select(r => r.Dataset).Distinct().ToArray();
        var shots = fewShot.Where(r => r.Shots > 0).Select(r => r.Shots).Distinct().Order().ToArray();
        if (shots.Length == 0) shots = [1, 2, 4, 8, 16];
        var labels = shots.Select(x => x.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        string Label(int x) => x.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var charts = new List<GenericChart>();
        var titles = new List<string>();
        GenericChart Axes(GenericChart panel)
        {
            panel = Plotly.NET.CSharp.GenericChartExtensions.WithXAxisStyle<double, double, string>(panel, TitleText: "shots per class",
                AxisType: StyleParam.AxisType.Category, CategoryOrder: StyleParam.CategoryOrder.Array, CategoryArray: labels);
            return Plotly.NET.CSharp.GenericChartExtensions.WithYAxisStyle<double, double, string>(panel, TitleText: "top-1 (%)");
        }
        bool clipLoraShown = false, first = true;
        foreach (var dataset in ours)
        {
            bool average = dataset.StartsWith(PaperNumbers.Average, StringComparison.Ordinal);
            var rows = fewShot.Where(r => r.Dataset == dataset).ToArray();
            var traces = new List<GenericChart>();
            foreach (var method in new[] { AdapterMethod.ZeroShot, AdapterMethod.Lora, AdapterMethod.BlockLora })
            {
                var mine = rows.Where(r => r.Method == method && r.Ours is not null).OrderBy(r => r.Shots).ToArray();
                if (mine.Length == 0) continue;
                bool zeroShot = method == AdapterMethod.ZeroShot;
                var (x, y) = zeroShot
                    ? (labels, shots.Select(_ => mine[0].Ours!.Value).ToArray())
                    : (mine.Select(r => Label(r.Shots)).ToArray(), mine.Select(r => r.Ours!.Value).ToArray());
                var line = Chart.Line<string, double, string>(x, y, ShowMarkers: true, Name: $"{AdapterMethods.Format(method)} (ours{(zeroShot ? ", deterministic" : "")})",
                    ShowLegend: first, LineColor: Color.fromString(MethodColors[method]));
                traces.Add(zeroShot ? line : SpreadLabels.WithErrorY(line, SpreadLabels.BarLengths(mine.Select(r => (r.OursStd, r.Seeds))), MethodColors[method]));
            }
            var clipLora = rows.Where(r => r.Method == AdapterMethod.Lora && r.Paper is not null).OrderBy(r => r.Shots).ToArray();
            if (clipLora.Length > 0 && !average)
            {
                traces.Add(Chart.Line<string, double, string>(clipLora.Select(r => Label(r.Shots)), clipLora.Select(r => r.Paper!.Value), ShowMarkers: true,
                    Name: "CLIP-LoRA (paper, per dataset)", ShowLegend: !clipLoraShown, LineColor: Color.fromString(MethodColors[AdapterMethod.Lora]), LineDash: StyleParam.DrawingStyle.Dash));
                clipLoraShown = true;
            }
            if (traces.Count == 0) continue;
            charts.Add(Axes(Chart.Combine(traces)));
            titles.Add(average ? $"{dataset}: ours" : dataset);
            first = false;
        }
        var baselines = paper.Where(v => v.Table == PaperNumbers.FewShotAverage && v.Value is not null && shots.Contains(v.Shots ?? 0)).GroupBy(v => v.Method).ToArray();
        if (baselines.Length > 0)
        {
            var traces = new List<GenericChart>();
            for (int b = 0; b < baselines.Length; b++)
            {
                var line = baselines[b].OrderBy(v => v.Shots).ToArray();
                bool clip = baselines[b].Key == PaperTables.PaperClipLora;
                traces.Add(Chart.Line<string, double, string>(line.Select(v => Label(v.Shots!.Value)), line.Select(v => v.Value!.Value), ShowMarkers: clip,
                    Name: $"{baselines[b].Key} (paper, 11-dataset average)", ShowLegend: true,
                    LineColor: Color.fromString(clip ? MethodColors[AdapterMethod.Lora] : Palette[b % Palette.Length]),
                    LineDash: clip ? StyleParam.DrawingStyle.Dash : StyleParam.DrawingStyle.Dot, LineWidth: clip ? 2.0 : 1.0));
            }
            charts.Add(Axes(Chart.Combine(traces)));
            titles.Add(PublishedAveragesPanel);
        }
        if (charts.Count == 0) return Titled(Chart.Invisible(), title, subtitle);
        var (gridRows, cols) = GridShape(charts.Count);
        var grid = Chart.Grid(charts, gridRows, cols, SubPlotTitles: titles.ToArray(), YGap: 0.3, XGap: 0.12);
        var seeds = fewShot.Where(r => r.Method != AdapterMethod.ZeroShot && r.Ours is not null).Select(r => r.Seeds);
        return Plotly.NET.CSharp.GenericChartExtensions.WithSize(Titled(grid, title, SpreadLabels.Subtitle(seeds, subtitle)), 1100, 380 * gridRows + 80);
    }

    /// <summary>
    /// Rows × columns for <paramref name="panels"/> panels: one row up to three, then the column count (3 or 2) that
    /// fills every cell, else 3 columns with the remainder left without axes (Chart.Grid gives a cell no axes when no
    /// chart is passed for it).
    /// </summary>
    public static (int Rows, int Columns) GridShape(int panels)
    {
        if (panels <= 3) return (1, Math.Max(1, panels));
        int cols = panels % 3 == 0 ? 3 : panels % 2 == 0 ? 2 : 3;
        return ((panels + cols - 1) / cols, cols);
    }

    /// <summary>Accuracy (mean ± sd over seeds) against trainable parameters (log scale) for every ablation configuration, labelled r and n.</summary>
    public static GenericChart AccuracyVsParameters(IReadOnlyList<AblationRow> rows, string title, string? subtitle = null)
    {
        var traces = rows.GroupBy(r => r.Method).Select(g => SpreadLabels.WithErrorY(Chart.Point<long, double, string>(g.Select(r => r.Parameters), g.Select(r => r.Accuracy),
            Name: g.Key.DisplayName(), MultiText: g.Select(r => r.Method == AdapterMethod.Lora ? $"r={r.Rank}" : $"r={r.Rank} n={r.Blocks}").ToArray(),
            TextPosition: StyleParam.TextPosition.TopCenter, MarkerColor: Color.fromString(MethodColors[g.Key])),
            SpreadLabels.BarLengths(g.Select(r => ((double?)r.Std, r.Seeds))), MethodColors[g.Key]));
        var chart = Chart.Combine(traces);
        chart = Plotly.NET.CSharp.GenericChartExtensions.WithXAxisStyle<double, double, string>(chart, TitleText: "trainable parameters", AxisType: StyleParam.AxisType.Log);
        chart = Plotly.NET.CSharp.GenericChartExtensions.WithYAxisStyle<double, double, string>(chart, TitleText: "top-1 (%)");
        return Titled(chart, title, SpreadLabels.Subtitle(rows.Select(r => r.Seeds), subtitle));
    }

    /// <summary>One colour per member of LoRA's family (<see cref="AdapterLabels.Family"/>); a block variant shares its parent's hue, darker.</summary>
    private static readonly Dictionary<string, string> FamilyColors = new(StringComparer.Ordinal)
    {
        ["LoRA"] = "#1f77b4", ["Block-LoRA"] = "#d62728", ["DoRA"] = "#9467bd", ["Block-DoRA"] = "#5b2c83", ["VeRA"] = "#2ca02c",
        ["LoRA-FA"] = "#17becf", ["Block-LoRA-FA"] = "#0e7480", ["PiSSA"] = "#ff7f0e", ["Block-PiSSA"] = "#a64f00",
    };

    /// <summary>
    /// The points of a methods ablation (<see cref="GridRow"/>s): top-1 (mean ± sd over seeds) against trainable parameters
    /// (log scale), one colour per family (LoRA, Block-LoRA, DoRA, ...), each point labelled with its r (and n), and the
    /// zero-shot and chance lines where given: what a few more or fewer parameters buy, method by method.
    /// </summary>
    public static GenericChart AccuracyVsParametersByFamily(IReadOnlyList<GridRow> rows, string title, string? subtitle = null, IReadOnlyList<ReferenceLine>? references = null)
    {
        var finished = rows.Where(r => r.Accuracy is not null && r.TrainableParameters is not null).ToArray();
        var traces = finished.GroupBy(r => r.Adapter.Split(' ')[0]).Select((g, i) =>
        {
            string color = FamilyColors.GetValueOrDefault(g.Key, Palette[i % Palette.Length]);
            var point = Chart.Point<long, double, string>(g.Select(r => r.TrainableParameters!.Value), g.Select(r => r.Accuracy!.Value), Name: g.Key,
                MultiText: g.Select(r => string.Join(" ", r.Adapter.Split(' ').Skip(1))).ToArray(), TextPosition: StyleParam.TextPosition.TopCenter,
                MarkerColor: Color.fromString(color));
            return SpreadLabels.WithErrorY(point, SpreadLabels.BarLengths(g.Select(r => (r.Std, r.Finished))), color);
        }).ToArray();
        var chart = traces.Length == 0 ? Chart.Point<long, double, string>(Array.Empty<long>(), Array.Empty<double>(), Name: "no finished runs") : Chart.Combine(traces);
        if (references is { Count: > 0 }) chart = ReferenceLines.With(chart, references);
        chart = Plotly.NET.CSharp.GenericChartExtensions.WithXAxisStyle<double, double, string>(chart, TitleText: "trainable parameters (measured on the live adapters)", AxisType: StyleParam.AxisType.Log);
        chart = Plotly.NET.CSharp.GenericChartExtensions.WithYAxisStyle<double, double, string>(chart, TitleText: "top-1 (%)");
        return Titled(chart, title, SpreadLabels.Subtitle(finished.Select(r => r.Finished), subtitle));
    }

    /// <summary>
    /// Base-to-new: accuracy on the new classes against accuracy on the base classes, one colour per method and one
    /// trace per configuration (so each Block-LoRA n is its own legend entry), a point per dataset and a star for the
    /// average over datasets; each published 11-dataset average as a diamond of its own; grey dotted curves are HM
    /// iso-lines (new = HM·base / (2·base − HM)), labelled where they cross the diagonal, so a point's HM can be read off.
    /// </summary>
    /// <param name="averages">The per-configuration averages (<see cref="Results.BaseToNewSummary.AverageOverDatasets"/>); may be empty.</param>
    public static GenericChart BaseVsNew(IReadOnlyList<Results.BaseToNewSummary> perDataset, IReadOnlyList<Results.BaseToNewSummary> averages,
        IReadOnlyList<PaperValue> paper, string title, string? subtitle = null)
    {
        var traces = new List<GenericChart>();
        foreach (double hm in new[] { 10.0, 20, 30, 40, 50, 60, 70, 80, 90 })
        {
            // Starts where the curve enters the plot at the top (new = 100 at base = 100·HM / (200 − HM)); the point on
            // the diagonal (base = new = HM) carries the label, where the curves are furthest apart.
            double start = hm * 100 / (200 - hm);
            var xs = Enumerable.Range(0, 41).Select(i => start + (100 - start) * i / 40.0).Append(hm).Order().ToArray();
            var ys = xs.Select(b => hm * b / (2 * b - hm)).ToArray();
            var line = Chart.Line<double, double, string>(xs, ys, Name: "HM iso-lines", ShowLegend: hm == 10,
                MultiText: xs.Select(b => b == hm ? $"HM {hm:0}" : "").ToArray(), TextPosition: StyleParam.TextPosition.BottomRight,
                LineColor: Color.fromString("#c8c8c8"), LineWidth: 1.0, LineDash: StyleParam.DrawingStyle.Dot);
            // Grey labels, so they read as part of the grid rather than as data.
            traces.Add(GenericChart.mapTrace(FuncConvert.FromFunc<Trace, Trace>(t =>
            {
                var font = new Font();
                font.SetProperty("color", "#9a9a9a");
                t.SetProperty("textfont", font);
                return t;
            }), line));
        }
        var configurations = perDataset.Concat(averages).Select(s => (s.Method, s.Rank, s.Blocks)).Distinct()
            .OrderBy(c => Array.IndexOf(AdapterMethods.All, c.Method)).ThenBy(c => c.Rank).ThenBy(c => c.Blocks).ToArray();
        for (int c = 0; c < configurations.Length; c++)
        {
            var (method, rank, blocks) = configurations[c];
            // The method's own colour unless it appears with several r or n; then the palette tells them apart.
            bool several = configurations.Count(x => x.Method == method) > 1;
            var color = Color.fromString(several ? Palette[c % Palette.Length] : MethodColors[method]);
            string label = method.Label(rank, blocks);
            bool Mine(Results.BaseToNewSummary s) => (s.Method, s.Rank, s.Blocks) == (method, rank, blocks);
            // LoRA and Block-LoRA often land close together: their dataset names go above and below the point.
            var textPosition = method == AdapterMethod.BlockLora ? StyleParam.TextPosition.BottomCenter : StyleParam.TextPosition.TopCenter;
            var points = perDataset.Where(Mine).ToArray();
            if (points.Length > 0)
            {
                var point = Chart.Point<double, double, string>(points.Select(s => s.Base), points.Select(s => s.New), Name: label,
                    MultiText: points.Select(s => s.Dataset).ToArray(), TextPosition: textPosition, MarkerColor: color,
                    MarkerSymbol: StyleParam.MarkerSymbol.Circle, Marker: SizedMarker(9));
                string bar = several ? Palette[c % Palette.Length] : MethodColors[method];
                point = SpreadLabels.WithErrorX(point, SpreadLabels.BarLengths(points.Select(s => (s.BaseSd, s.Seeds))), bar);
                traces.Add(SpreadLabels.WithErrorY(point, SpreadLabels.BarLengths(points.Select(s => (s.NewSd, s.Seeds))), bar));
            }
            var average = averages.Where(Mine).ToArray();
            if (average.Length > 0)
                traces.Add(Chart.Point<double, double, string>(average.Select(s => s.Base), average.Select(s => s.New), Name: $"{label}: {average[0].Dataset}",
                    MultiText: average.Select(s => $"HM {s.HarmonicMean:0.0}").ToArray(), TextPosition: StyleParam.TextPosition.MiddleRight,
                    MarkerColor: color, MarkerSymbol: StyleParam.MarkerSymbol.Star, Marker: SizedMarker(15)));
        }
        // One trace per published method (its name in the legend): the eleven-dataset averages crowd one corner, where labels would overlap.
        var published = paper.Where(p => p.Table == PaperNumbers.BaseToNew && p.Dataset == PaperNumbers.Average && p.Value is not null)
            .GroupBy(p => p.Method)
            .Select(g => (Method: g.Key, Base: g.FirstOrDefault(p => p.Metric == BaseToNewTable.BaseMetric)?.Value, New: g.FirstOrDefault(p => p.Metric == BaseToNewTable.NewMetric)?.Value))
            .Where(p => p.Base is not null && p.New is not null).ToArray();
        for (int p = 0; p < published.Length; p++)
        {
            var (name, b, n) = published[p];
            var color = name == PaperTables.PaperClipLora ? MethodColors[AdapterMethod.Lora] : name == PaperTables.PaperZeroShot ? MethodColors[AdapterMethod.ZeroShot] : Palette[p % Palette.Length];
            traces.Add(Chart.Point<double, double, string>(new[] { b!.Value }, new[] { n!.Value }, Name: $"{name} (paper, 11-dataset average)",
                MarkerColor: Color.fromString(color), MarkerSymbol: StyleParam.MarkerSymbol.Diamond, Marker: SizedMarker(10)));
        }
        var chart = Chart.Combine(traces);
        chart = Plotly.NET.CSharp.GenericChartExtensions.WithXAxisStyle<double, double, string>(chart, TitleText: "base classes top-1 (%)", MinMax: Tuple.Create(0.0, 100.0));
        chart = Plotly.NET.CSharp.GenericChartExtensions.WithYAxisStyle<double, double, string>(chart, TitleText: "new classes top-1 (%)", MinMax: Tuple.Create(0.0, 100.0));
        // Per-dataset points carry ± sd over seeds on both axes; an average over datasets (a star) has none of its own.
        var seedCounts = perDataset.Where(s => s.Method != AdapterMethod.ZeroShot).Select(s => s.Seeds);
        string seeds = SpreadLabels.Label(seedCounts) + " on both axes (per-dataset points; averages over datasets without bars)";
        return Plotly.NET.CSharp.GenericChartExtensions.WithSize(Titled(chart, title, subtitle is null ? seeds : $"{seeds}; {subtitle}"), 1000, 760);
    }

    /// <summary>A marker of <paramref name="size"/> px (set as a dynamic property: Marker.init takes its ~35 options positionally from C#).</summary>
    private static Marker SizedMarker(int size)
    {
        var marker = new Marker();
        marker.SetProperty("size", size);
        return marker;
    }
}
