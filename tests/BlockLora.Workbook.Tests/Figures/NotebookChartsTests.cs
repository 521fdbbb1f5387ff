using System.Text.RegularExpressions;
using BlockLora.Workbook.Figures;
using Chart = Plotly.NET.CSharp.Chart;

namespace BlockLora.Workbook.Tests.Figures;

/// <summary>The notebook view of a chart: plotly.js once per kernel, or a PNG in a saved copy.</summary>
public class NotebookChartsTests
{
    private static Plotly.NET.GenericChart Bars() => Chart.Column<double, string, string>(new[] { 1.0, 2.0 }, Keys: new[] { "a", "b" });

    [Fact]
    public void Interactive_view_writes_plotly_js_at_most_once_and_every_chart_waits_for_it()
    {
        string first = NotebookCharts.Html(Bars(), NotebookChartMode.Interactive);
        string second = NotebookCharts.Html(Bars(), NotebookChartMode.Interactive);
        // Other tests in this process may have written the library already: at most the first of these two carries it.
        Assert.True(second.Length < 100_000, $"second chart is {second.Length} characters: plotly.js written again");
        Assert.DoesNotContain("window.Plotly) { (function (define", second);
        foreach (string html in new[] { first, second })
        {
            var id = Regex.Match(html, "<div id=\"([0-9a-f-]{36})\"").Groups[1].Value;
            Assert.NotEqual("", id);
            Assert.Contains($"document.getElementById('{id}')", html);
            Assert.Matches(@"if \(window\.Plotly\) renderPlotly_[0-9a-f]{32}\(\);", html);
            Assert.DoesNotMatch(@"\}\;\s*renderPlotly_[0-9a-f]{32}\(\);", html); // never drawn before plotly.js is there
        }
    }

    [Fact]
    public void Static_view_is_an_inline_png_at_the_size_the_figure_was_saved_with()
    {
        Assert.True(File.Exists(FigureWriter.BrowserPath), $"no Chromium at {FigureWriter.BrowserPath}: bash data-scripts/install-debian-packages.sh demo installs it");
        var chart = Bars();
        var writer = new FigureWriter(Path.Combine(BlockLora.Tests.Fixtures.TempDir(), "figures"), "t", PngExport.Off);
        writer.Save(chart, "bars", 640, 400);
        string html = NotebookCharts.Html(chart, NotebookChartMode.Static);
        var png = Regex.Match(html, "^<img width=\"640\" src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"/>$");
        Assert.True(png.Success, html[..Math.Min(200, html.Length)]);
        byte[] bytes = Convert.FromBase64String(png.Groups[1].Value);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
        Assert.Equal(640, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16, 4)));
        Assert.DoesNotContain("Plotly", html);
    }
}
