using BlockLora.Adapters;
using BlockLora.IO;
using BlockLora.Workbook.Figures;
using Microsoft.FSharp.Core;
using Plotly.NET;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace BlockLora.Workbook.Demo;

/// <summary>
/// The demo's figure: mean accuracy over seeds against shots, one panel per task, one line per method with ±1 sd
/// error bars (zero-shot, deterministic, as a dashed reference); the subtitle says how many seeds. Written as self-contained HTML (plotly.js inline, so it opens offline) and, where
/// Chromium is installed, as PNG through the workbook's <see cref="FigureWriter"/>.
/// </summary>
public static class DemoChart
{
    public const string DefaultChromium = "/usr/bin/chromium";
    private const int Width = 1200, Height = 520;
    private static readonly string[] Palette = ["#7f7f7f", "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"];

    /// <summary>"mean ± sd over 3 seeds" for the trained rows (zero-shot is deterministic and does not count).</summary>
    public static string SeedLabel(IReadOnlyList<DemoSummaryRow> rows) =>
        Charts.SpreadLabels.Label(rows.Where(r => !r.Deterministic).Select(r => r.Seeds));

    public static GenericChart Build(IReadOnlyList<DemoTask> tasks, IReadOnlyList<DemoSummaryRow> rows)
    {
        var labels = rows.Where(r => r.Method != AdapterMethod.ZeroShot).Select(r => r.Label).Distinct().ToList();
        var panels = new List<GenericChart>();
        for (int t = 0; t < tasks.Count; t++)
        {
            var taskRows = rows.Where(r => r.Task == tasks[t].Name).ToList();
            var shots = taskRows.Where(r => r.Method != AdapterMethod.ZeroShot).Select(r => r.Shots).Distinct().Order().ToList();
            // Shots as categories: 1, 4, 16 evenly spaced reads better than a linear axis.
            var x = shots.Select(s => $"{s}-shot").ToList();
            var traces = new List<GenericChart>();
            var zeroShot = taskRows.FirstOrDefault(r => r.Method == AdapterMethod.ZeroShot);
            if (zeroShot is not null)
                traces.Add(Line(x, x.Select(_ => zeroShot.Mean), "zero-shot (deterministic)", Palette[0], dashed: true, showLegend: t == 0));
            for (int m = 0; m < labels.Count; m++)
            {
                var points = shots.Select(s => taskRows.FirstOrDefault(r => r.Label == labels[m] && r.Shots == s)).ToList();
                string color = Palette[(m + 1) % Palette.Length];
                var line = Line(x, points.Select(p => p?.Mean ?? double.NaN), labels[m], color, dashed: false, showLegend: t == 0);
                traces.Add(Charts.SpreadLabels.WithErrorY(line, Charts.SpreadLabels.BarLengths(points.Select(p => (p?.Sd, p?.Seeds ?? 0))), color));
            }
            panels.Add(CSharpChart.Combine(traces));
        }
        var grid = CSharpChart.Grid(panels, 1, tasks.Count, SubPlotTitles: tasks.Select(t => t.Title).ToArray());
        grid = Plotly.NET.CSharp.GenericChartExtensions.WithSize(grid, Width, Height);
        for (int t = 1; t <= tasks.Count; t++)
            grid = Plotly.NET.CSharp.GenericChartExtensions.WithYAxisStyle<double, double, string>(grid,
                TitleText: t == 1 ? "top-1 accuracy on the test split (%)" : "", MinMax: Tuple.Create(0.0, 100.0),
                Id: StyleParam.SubPlotId.NewYAxis(t));
        grid = Plotly.NET.Chart.withTitle($"Few-shot adaptation of the demo CLIP on classes it never saw<br><sup>{SeedLabel(rows)} (error bars ±1 sd); demo iterations, not the paper's 500 × shots</sup>", null).Invoke(grid);
        // PlotlyJSReference.Full puts plotly.js inside the file: it opens offline, and the PNG renderer needs no network either.
        var display = DisplayOptions.init(null, null, null, null, null, null, FSharpOption<PlotlyJSReference>.Some(PlotlyJSReference.Full));
        return Plotly.NET.Chart.withDisplayOptions(display).Invoke(grid);
    }

    /// <summary>The chart as one HTML document with plotly.js inline.</summary>
    public static void WriteHtml(GenericChart chart, string path) =>
        AtomicFile.WriteAllText(path, GenericChart.toEmbeddedHTML(chart));

    /// <summary>Renders a PNG through headless Chromium; returns null on success, else one line saying why not and how to get it.</summary>
    public static string? TryWritePng(GenericChart chart, string path, string chromium = DefaultChromium)
    {
        if (!File.Exists(chromium))
            return $"no PNG: {chromium} not found; install Chromium (sudo apt-get install -y chromium) and rerun, or open the HTML and use its camera button";
        try
        {
            FigureWriter.WritePng(chart, path, Width, Height, chromium);
            return null;
        }
        catch (Exception e) when (e is IOException or TimeoutException or UnauthorizedAccessException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return $"no PNG: Chromium failed ({e.Message.ReplaceLineEndings(" ")}); the HTML has the same chart";
        }
    }

    private static GenericChart Line(IReadOnlyList<string> x, IEnumerable<double> y, string name, string color, bool dashed, bool showLegend)
    {
        var line = CSharpChart.Line<string, double, string>(x, y, ShowMarkers: true, Name: name, LineColor: Color.fromString(color), MarkerColor: Color.fromString(color),
            LineDash: dashed ? StyleParam.DrawingStyle.Dash : StyleParam.DrawingStyle.Solid);
        return Plotly.NET.CSharp.GenericChartExtensions.WithTraceInfo(line, Name: name, ShowLegend: showLegend, LegendGroup: name);
    }
}
