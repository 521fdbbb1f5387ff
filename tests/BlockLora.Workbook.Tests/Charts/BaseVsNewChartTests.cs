using BlockLora.Adapters;
using BlockLora.Results;
using BlockLora.Workbook.Charts;
using BlockLora.Workbook.Notebooks;
using BlockLora.Workbook.Tables;
using Plotly.NET;

namespace BlockLora.Workbook.Tests.Charts;

/// <summary>The base-vs-new scatter: one trace per configuration (each n its own), averages as stars, published averages, HM iso-lines.</summary>
public class BaseVsNewChartTests
{
    /// <summary>A summary as <see cref="BaseToNewSummary.MeanOverSeeds"/> makes it; settings differ by dataset only, so datasets average together.</summary>
    private static BaseToNewSummary Summary(string dataset, AdapterMethod method, double b, double n, int blocks = 4, int seeds = 2) =>
        new("clip-fashion-tiny", dataset, method, method == AdapterMethod.ZeroShot ? 0 : 4, method == AdapterMethod.ZeroShot ? 0 : 2,
            method switch { AdapterMethod.ZeroShot => 0, AdapterMethod.Lora => 1, _ => blocks }, 100, b, n, HarmonicMean.Of(b, n),
            method == AdapterMethod.ZeroShot ? 1 : seeds,
            $"{{\"blocks\":{blocks},\"dataset\":\"{dataset}\",\"method\":\"{AdapterMethods.Format(method)}\"}}");

    [Fact]
    public void Each_configuration_is_a_trace_and_the_published_averages_and_iso_lines_are_drawn()
    {
        var paper = PaperNumbers.Load(Path.Combine(WorkbookProfile.FindRepoRoot(AppContext.BaseDirectory), "results", "paper"));
        BaseToNewSummary[] perDataset =
        [
            Summary("FashionHeldOut", AdapterMethod.ZeroShot, 50, 53), Summary("Digits", AdapterMethod.ZeroShot, 8, 15),
            Summary("FashionHeldOut", AdapterMethod.BlockLora, 77, 55), Summary("Digits", AdapterMethod.BlockLora, 46, 24),
            Summary("FashionHeldOut", AdapterMethod.BlockLora, 70, 50, blocks: 8),
        ];
        var averages = BaseToNewSummary.AverageOverDatasets(perDataset, ["FashionHeldOut", "Digits"], "Average (2)");
        var chart = WorkbookCharts.BaseVsNew(perDataset, averages, paper, "Base against new", "smoke");
        var names = GenericChart.getTraces(chart).Select(t => t.TryGetTypedPropertyValue<string>("name").Value).ToArray();
        Assert.Equal(9, names.Count(n => n == "HM iso-lines"));
        Assert.Contains("zero-shot", names);
        Assert.Contains("zero-shot: Average (2)", names);
        Assert.Contains("Block-LoRA r=2 n=4", names);
        Assert.Contains("Block-LoRA r=2 n=4: Average (2)", names);
        Assert.Contains("Block-LoRA r=2 n=8", names); // FashionHeldOut only: a point, no average
        Assert.DoesNotContain("Block-LoRA r=2 n=8: Average (2)", names);
        Assert.Contains("CoCoOp (paper, 11-dataset average)", names);
        Assert.DoesNotContain("Block-LoRA (paper, 11-dataset average)", names); // its cells are empty
        Assert.Contains("CoCoOp", GenericChart.toChartHTML(chart));
    }

    [Fact]
    public void Per_dataset_points_carry_the_sd_over_seeds_on_both_axes()
    {
        var paper = PaperNumbers.Load(Path.Combine(WorkbookProfile.FindRepoRoot(AppContext.BaseDirectory), "results", "paper"));
        BaseToNewSummary[] perDataset =
        [
            Summary("FashionHeldOut", AdapterMethod.Lora, 77, 60) with { BaseSd = 1.5, NewSd = 4.0 },
            Summary("Digits", AdapterMethod.Lora, 46, 25) with { BaseSd = 2.5, NewSd = 3.0 },
        ];
        var chart = WorkbookCharts.BaseVsNew(perDataset, [], paper, "Base against new", "smoke");
        var json = GenericChart.toChartHTML(chart);
        var trace = GenericChart.getTraces(chart).Single(t => t.TryGetTypedPropertyValue<string>("name").Value == "LoRA r=2");
        var x = (Plotly.NET.TraceObjects.Error)trace.TryGetTypedPropertyValue<Plotly.NET.TraceObjects.Error>("error_x").Value;
        var y = (Plotly.NET.TraceObjects.Error)trace.TryGetTypedPropertyValue<Plotly.NET.TraceObjects.Error>("error_y").Value;
        Assert.Equal(new double?[] { 1.5, 2.5 }, x.TryGetTypedPropertyValue<double?[]>("array").Value);
        Assert.Equal(new double?[] { 4.0, 3.0 }, y.TryGetTypedPropertyValue<double?[]>("array").Value);
        Assert.Contains("mean ± sd over 2 seeds", json);
    }
}
