using BlockLora.Tests;
using BlockLora.Training;
using BlockLora.Workbook.Charts;
using Plotly.NET;

namespace BlockLora.Workbook.Tests.Charts;

/// <summary>The training curve drawn from a run's metrics.csv rows: loss and batch accuracy (%) at the logged iterations.</summary>
public class TrainingCurveChartTests
{
    [Fact]
    public void The_curve_from_metrics_rows_plots_loss_and_accuracy_at_the_logged_iterations()
    {
        string file = Path.Combine(Fixtures.TempDir(), MetricsLog.FileName);
        File.WriteAllText(file, MetricsLog.Format([new MetricsRow(10, 2.5, 2e-4, 0.25, 100, 1), new MetricsRow(20, 1.5, 1e-4, 0.5, 110, 2), new MetricsRow(23, 1.25, 1e-6, 0.75, 105, 2.3)]));
        var chart = WorkbookCharts.TrainingCurve(MetricsLog.Read(file), "curve", "one seed");
        var traces = GenericChart.getTraces(chart).ToArray();
        Assert.Equal(["loss", "batch accuracy (%)"], traces.Select(t => t.TryGetTypedPropertyValue<string>("name").Value));
        Assert.All(traces, t => Assert.Equal([10, 20, 23], t.TryGetTypedPropertyValue<IEnumerable<int>>("x").Value));
        Assert.Equal([2.5, 1.5, 1.25], traces[0].TryGetTypedPropertyValue<IEnumerable<double>>("y").Value);
        Assert.Equal([25.0, 50.0, 75.0], traces[1].TryGetTypedPropertyValue<IEnumerable<double>>("y").Value);
    }
}
