using BlockLora.Adapters;
using BlockLora.Results;
using BlockLora.Workbook.Charts;
using BlockLora.Workbook.Notebooks;
using BlockLora.Workbook.Tables;
using BlockLora.Workbook.Tests.Tables;
using Plotly.NET;

namespace BlockLora.Workbook.Tests.Charts;

/// <summary>The base-vs-new scatter: one trace per configuration (each n its own), averages as stars, published averages, HM iso-lines.</summary>
public class BaseVsNewChartTests
{
    [Fact]
    public void Each_configuration_is_a_trace_and_the_published_averages_and_iso_lines_are_drawn()
    {
        var paper = PaperNumbers.Load(Path.Combine(WorkbookProfile.FindRepoRoot(AppContext.BaseDirectory), "results", "paper"));
        BaseToNewSummary[] perDataset =
        [
            BaseToNewTableTests.Summary("FashionHeldOut", AdapterMethod.ZeroShot, 50, 53), BaseToNewTableTests.Summary("Digits", AdapterMethod.ZeroShot, 8, 15),
            BaseToNewTableTests.Summary("FashionHeldOut", AdapterMethod.BlockLora, 77, 55), BaseToNewTableTests.Summary("Digits", AdapterMethod.BlockLora, 46, 24),
            BaseToNewTableTests.Summary("FashionHeldOut", AdapterMethod.BlockLora, 70, 50, blocks: 8),
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
}
