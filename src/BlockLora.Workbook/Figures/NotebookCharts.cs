using Plotly.NET;

namespace BlockLora.Workbook.Figures;

/// <summary>How a notebook shows its charts: live and interactive, or as pictures in a saved copy.</summary>
public enum NotebookChartMode
{
    /// <summary>plotly.js once per kernel (the first chart's output carries it), every chart interactive after it.</summary>
    Interactive,
    /// <summary>Each chart as an inline PNG (headless Chromium), no plotly.js: what the executed copies in results/notebooks hold.</summary>
    Static,
}

/// <summary>
/// The notebook view of a chart (what <c>setup.csx</c> registers for <see cref="GenericChart"/>). Inlining plotly.js
/// in every chart made the executed notebooks 40 MB (3.6 MB a chart); now an interactive kernel carries one copy, and a
/// headless run (<c>notebooks/run-all.sh</c> sets <see cref="ModeVariable"/>=static) keeps pictures, which every
/// notebook viewer shows, with the interactive HTML beside them in <c>results/figures/</c>.
/// </summary>
public static class NotebookCharts
{
    public const string ModeVariable = "BLORA_NOTEBOOK_CHARTS";
    private static int libraryWritten;

    public static NotebookChartMode ModeFromEnvironment() => (Environment.GetEnvironmentVariable(ModeVariable) ?? "").Trim().ToLowerInvariant() switch
    {
        "" or "interactive" => NotebookChartMode.Interactive,
        "static" => NotebookChartMode.Static,
        var other => throw new ArgumentException($"{ModeVariable}={other}: use interactive or static"),
    };

    public static string Html(GenericChart chart) => Html(chart, ModeFromEnvironment());

    public static string Html(GenericChart chart, NotebookChartMode mode)
    {
        if (mode == NotebookChartMode.Static)
        {
            var (width, height) = FigureWriter.SavedSize(chart) ?? (960, 540);
            string png = Path.Combine(Path.GetTempPath(), $"blora-notebook-chart-{Guid.NewGuid():N}.png");
            try
            {
                FigureWriter.WritePng(chart, png, width, height, FigureWriter.BrowserPath);
                return $"<img width=\"{width}\" src=\"data:image/png;base64,{Convert.ToBase64String(File.ReadAllBytes(png))}\"/>";
            }
            finally
            {
                File.Delete(png);
            }
        }
        string library = Interlocked.Exchange(ref libraryWritten, 1) == 0 ? FigureWriter.LibraryHtml() : "";
        return $"<div>{library}{FigureWriter.ChartHtml(chart)}</div>";
    }
}
