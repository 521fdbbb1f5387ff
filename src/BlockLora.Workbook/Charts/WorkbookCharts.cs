using BlockLora.Adapters;
using BlockLora.Experiments;
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

    /// <summary>Classes, train and test images per dataset (grouped bars).</summary>
    public static GenericChart DatasetSizes(IReadOnlyList<(string Dataset, int Classes, int Train, int Test)> rows, string? subtitle = null)
    {
        var names = rows.Select(r => r.Dataset).ToArray();
        var chart = Chart.Combine(
        [
            Chart.Column<int, string, string>(rows.Select(r => r.Classes), Keys: names, Name: "classes"),
            Chart.Column<int, string, string>(rows.Select(r => r.Train), Keys: names, Name: "train images"),
            Chart.Column<int, string, string>(rows.Select(r => r.Test), Keys: names, Name: "test images"),
        ]);
        chart = Plotly.NET.CSharp.GenericChartExtensions.WithYAxisStyle<int, int, string>(chart, TitleText: "count");
        return Titled(chart, "Datasets: classes and images", subtitle);
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
        return Titled(chart, "Zero-shot accuracy per dataset", subtitle);
    }

    /// <summary>Confusion counts (rows: true class, columns: predicted), annotated.</summary>
    public static GenericChart Confusion(long[,] counts, IReadOnlyList<string> classNames, string title, string? subtitle = null)
    {
        int n = classNames.Count;
        var z = Enumerable.Range(0, n).Select(t => Enumerable.Range(0, n).Select(p => (double)counts[t, p]).ToArray()).ToArray();
        var text = z.Select(row => row.Select(v => v.ToString("0", System.Globalization.CultureInfo.InvariantCulture)).ToArray()).ToArray();
        var chart = Chart.AnnotatedHeatmap<double, string, string, string>(z, text, X: classNames.ToArray(), Y: classNames.ToArray(),
            ColorScale: StyleParam.Colorscale.YIGnBu, ReverseYAxis: true);
        chart = Plotly.NET.CSharp.GenericChartExtensions.WithXAxisStyle<double, double, string>(chart, TitleText: "predicted");
        chart = Plotly.NET.CSharp.GenericChartExtensions.WithYAxisStyle<double, double, string>(chart, TitleText: "true");
        return Titled(chart, title, subtitle);
    }

    /// <summary>Training loss and batch accuracy against the iteration (two stacked panels).</summary>
    public static GenericChart TrainingCurve(IReadOnlyList<TrainStep> steps, string title, string? subtitle = null)
    {
        var x = steps.Select(s => s.Iteration).ToArray();
        var loss = Plotly.NET.CSharp.GenericChartExtensions.WithYAxisStyle<double, double, string>(
            Chart.Line<int, double, string>(x, steps.Select(s => s.Loss), Name: "loss", LineColor: Color.fromString("#1f77b4")), TitleText: "loss");
        var accuracy = Plotly.NET.CSharp.GenericChartExtensions.WithYAxisStyle<double, double, string>(
            Chart.Line<int, double, string>(x, steps.Select(s => 100 * s.BatchAccuracy), Name: "batch accuracy (%)", LineColor: Color.fromString("#d62728")),
            TitleText: "batch accuracy (%)", MinMax: Tuple.Create(0.0, 100.0));
        accuracy = Plotly.NET.CSharp.GenericChartExtensions.WithXAxisStyle<double, double, string>(accuracy, TitleText: "iteration");
        return Titled(Chart.Grid([loss, accuracy], 2, 1), title, subtitle);
    }

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
        return Titled(Chart.Grid([loss, accuracy], 2, 1), title, subtitle);
    }

    /// <summary>The ablation as four annotated heatmaps over rank r (rows) × blocks n (columns): accuracy, trainable parameters, train seconds, peak memory.</summary>
    public static GenericChart AblationHeatmaps(IReadOnlyList<AblationRow> rows, string title, string? subtitle = null)
    {
        var ranks = rows.Select(r => r.Rank).Distinct().Order().ToArray();
        var blocks = rows.Select(r => r.Blocks).Distinct().Order().ToArray();
        var xs = blocks.Select(n => n == 1 ? "n=1 (LoRA)" : $"n={n}").ToArray();
        var ys = ranks.Select(r => $"r={r}").ToArray();
        GenericChart Panel(Func<AblationRow, double> value, string format, StyleParam.Colorscale scale)
        {
            var z = ranks.Select(r => blocks.Select(n => rows.FirstOrDefault(x => x.Rank == r && x.Blocks == n) is { } row ? value(row) : double.NaN).ToArray()).ToArray();
            var text = z.Select(line => line.Select(v => double.IsNaN(v) ? "" : v.ToString(format, System.Globalization.CultureInfo.InvariantCulture)).ToArray()).ToArray();
            // Cell values as heatmap text (layout annotations would all land on the grid's first panel).
            var heatmap = Chart.Heatmap<double, string, string, string>(z, X: xs, Y: ys, MultiText: text.SelectMany(t => t).ToArray(), ColorScale: scale, ShowScale: false);
            return GenericChart.mapTrace(FuncConvert.FromFunc<Trace, Trace>(t =>
            {
                t.SetProperty("text", text);
                t.SetProperty("texttemplate", "%{text}");
                return t;
            }), heatmap);
        }
        var grid = Chart.Grid(
        [
            Panel(r => r.Accuracy, "F1", StyleParam.Colorscale.Viridis),
            Panel(r => r.Parameters, "N0", StyleParam.Colorscale.YIGnBu),
            Panel(r => r.TrainSeconds, "F1", StyleParam.Colorscale.YIOrRd),
            Panel(r => r.PeakMemoryMB, "F0", StyleParam.Colorscale.Greens),
        ], 2, 2, SubPlotTitles: new[] { "top-1 (%)", "trainable parameters", "train time (s)", "peak resident memory (MB)" }, YGap: 0.25);
        return Titled(grid, title, subtitle);
    }

    /// <summary>Accuracy and trainable parameters against the block count n, one line per rank.</summary>
    public static GenericChart AblationLines(IReadOnlyList<AblationRow> rows, string title, string? subtitle = null)
    {
        var ranks = rows.Select(r => r.Rank).Distinct().Order().ToArray();
        var accuracy = Chart.Combine(ranks.Select((r, i) =>
        {
            var line = rows.Where(x => x.Rank == r).OrderBy(x => x.Blocks).ToArray();
            return Chart.Line<string, double, string>(line.Select(x => x.Blocks.ToString(System.Globalization.CultureInfo.InvariantCulture)), line.Select(x => x.Accuracy),
                ShowMarkers: true, Name: $"r={r}", LineColor: Color.fromString(Palette[i % Palette.Length]));
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
        return Titled(Chart.Grid([accuracy, parameters], 2, 1), title, subtitle);
    }

    /// <summary>
    /// Accuracy against shots, one panel per dataset and one for the average: our zero-shot (flat), LoRA and Block-LoRA
    /// (solid), the published CLIP-LoRA numbers (dashed), and in the average panel every published baseline (dotted).
    /// </summary>
    public static GenericChart AccuracyVsShots(IReadOnlyList<ComparisonRow> fewShot, IReadOnlyList<PaperValue> paper, string title, string? subtitle = null)
    {
        var panels = fewShot.Select(r => r.Dataset).Distinct().ToArray();
        var shots = fewShot.Where(r => r.Shots > 0).Select(r => r.Shots).Distinct().Order().ToArray();
        if (shots.Length == 0) shots = [1, 2, 4, 8, 16];
        var charts = new List<GenericChart>();
        var labels = shots.Select(x => x.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        string Label(int x) => x.ToString(System.Globalization.CultureInfo.InvariantCulture);
        bool clipLoraShown = false;
        for (int p = 0; p < panels.Length; p++)
        {
            bool first = p == 0, average = panels[p].StartsWith(PaperNumbers.Average, StringComparison.Ordinal);
            var rows = fewShot.Where(r => r.Dataset == panels[p]).ToArray();
            var traces = new List<GenericChart>();
            foreach (var method in new[] { AdapterMethod.ZeroShot, AdapterMethod.Lora, AdapterMethod.BlockLora })
            {
                var mine = rows.Where(r => r.Method == method && r.Ours is not null).OrderBy(r => r.Shots).ToArray();
                if (mine.Length == 0) continue;
                var (x, y) = method == AdapterMethod.ZeroShot
                    ? (labels, shots.Select(_ => mine[0].Ours!.Value).ToArray())
                    : (mine.Select(r => Label(r.Shots)).ToArray(), mine.Select(r => r.Ours!.Value).ToArray());
                traces.Add(Chart.Line<string, double, string>(x, y, ShowMarkers: true, Name: $"{AdapterMethods.Format(method)} (ours)", ShowLegend: first,
                    LineColor: Color.fromString(MethodColors[method])));
            }
            var clipLora = rows.Where(r => r.Method == AdapterMethod.Lora && r.Paper is not null).OrderBy(r => r.Shots).ToArray();
            if (clipLora.Length > 0 && !average)
            {
                traces.Add(Chart.Line<string, double, string>(clipLora.Select(r => Label(r.Shots)), clipLora.Select(r => r.Paper!.Value), ShowMarkers: true,
                    Name: "CLIP-LoRA (paper, per dataset)", ShowLegend: !clipLoraShown, LineColor: Color.fromString(MethodColors[AdapterMethod.Lora]), LineDash: StyleParam.DrawingStyle.Dash));
                clipLoraShown = true;
            }
            if (average)
            {
                var baselines = paper.Where(v => v.Table == PaperNumbers.FewShotAverage && v.Value is not null && shots.Contains(v.Shots ?? 0)).GroupBy(v => v.Method).ToArray();
                for (int b = 0; b < baselines.Length; b++)
                {
                    var line = baselines[b].OrderBy(v => v.Shots).ToArray();
                    bool clip = baselines[b].Key == PaperTables.PaperClipLora;
                    traces.Add(Chart.Line<string, double, string>(line.Select(v => Label(v.Shots!.Value)), line.Select(v => v.Value!.Value), ShowMarkers: clip,
                        Name: $"{baselines[b].Key} (paper, 11-dataset average)", ShowLegend: true,
                        LineColor: Color.fromString(clip ? MethodColors[AdapterMethod.Lora] : Palette[b % Palette.Length]),
                        LineDash: clip ? StyleParam.DrawingStyle.Dash : StyleParam.DrawingStyle.Dot, LineWidth: clip ? 2.0 : 1.0));
                }
            }
            var panel = traces.Count == 0 ? Chart.Invisible() : Chart.Combine(traces);
            panel = Plotly.NET.CSharp.GenericChartExtensions.WithXAxisStyle<double, double, string>(panel, TitleText: "shots per class",
                AxisType: StyleParam.AxisType.Category, CategoryOrder: StyleParam.CategoryOrder.Array, CategoryArray: labels);
            charts.Add(Plotly.NET.CSharp.GenericChartExtensions.WithYAxisStyle<double, double, string>(panel, TitleText: "top-1 (%)"));
        }
        int cols = charts.Count <= 4 ? Math.Min(2, charts.Count) : 3, gridRows = (charts.Count + cols - 1) / cols;
        while (charts.Count < gridRows * cols) charts.Add(Chart.Invisible());
        var grid = Chart.Grid(charts, gridRows, cols, SubPlotTitles: panels, YGap: 0.3, XGap: 0.12);
        return Plotly.NET.CSharp.GenericChartExtensions.WithSize(Titled(grid, title, subtitle), 1100, 380 * gridRows + 80);
    }

    /// <summary>Accuracy against trainable parameters (log scale) for every ablation configuration, labelled r and n.</summary>
    public static GenericChart AccuracyVsParameters(IReadOnlyList<AblationRow> rows, string title, string? subtitle = null)
    {
        var traces = rows.GroupBy(r => r.Method).Select(g => Chart.Point<long, double, string>(g.Select(r => r.Parameters), g.Select(r => r.Accuracy),
            Name: g.Key == AdapterMethod.Lora ? "LoRA" : "Block-LoRA", MultiText: g.Select(r => r.Method == AdapterMethod.Lora ? $"r={r.Rank}" : $"r={r.Rank} n={r.Blocks}").ToArray(),
            TextPosition: StyleParam.TextPosition.TopCenter, MarkerColor: Color.fromString(MethodColors[g.Key])));
        var chart = Chart.Combine(traces);
        chart = Plotly.NET.CSharp.GenericChartExtensions.WithXAxisStyle<double, double, string>(chart, TitleText: "trainable parameters", AxisType: StyleParam.AxisType.Log);
        chart = Plotly.NET.CSharp.GenericChartExtensions.WithYAxisStyle<double, double, string>(chart, TitleText: "top-1 (%)");
        return Titled(chart, title, subtitle);
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
                traces.Add(Chart.Point<double, double, string>(points.Select(s => s.Base), points.Select(s => s.New), Name: label,
                    MultiText: points.Select(s => s.Dataset).ToArray(), TextPosition: textPosition, MarkerColor: color,
                    MarkerSymbol: StyleParam.MarkerSymbol.Circle, Marker: SizedMarker(9)));
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
        return Plotly.NET.CSharp.GenericChartExtensions.WithSize(Titled(chart, title, subtitle), 1000, 760);
    }

    /// <summary>A marker of <paramref name="size"/> px (set as a dynamic property: Marker.init takes its ~35 options positionally from C#).</summary>
    private static Marker SizedMarker(int size)
    {
        var marker = new Marker();
        marker.SetProperty("size", size);
        return marker;
    }
}
