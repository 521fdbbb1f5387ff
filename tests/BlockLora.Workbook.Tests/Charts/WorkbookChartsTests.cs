using System.Text.Json;
using BlockLora.Adapters;
using BlockLora.Workbook.Charts;
using BlockLora.Workbook.Notebooks;
using BlockLora.Workbook.Tables;

namespace BlockLora.Workbook.Tests.Charts;

/// <summary>The workbook's charts read as a reader needs: spread and seed counts, colour bars and honest colour ranges, readable cells, no hidden series.</summary>
public class WorkbookChartsTests
{
    private static AblationRow Ablation(int rank, int blocks, double accuracy, double std, int seeds, double seconds, double memory) =>
        new(rank, blocks, blocks == 1 ? AdapterMethod.Lora : AdapterMethod.BlockLora, accuracy, std, seeds, rank * 1000 / blocks, rank * 1000 / blocks, 0, null, seconds, memory);

    private static readonly AblationRow[] AblationRows =
    [
        Ablation(1, 1, 54.6, 1.5, 3, 4.7, 610), Ablation(1, 4, 42.5, 2.5, 3, 3.1, 616),
        Ablation(2, 1, 67.7, 0.5, 3, 3.9, 613), Ablation(2, 4, 44.9, 3.0, 3, 3.5, 605),
    ];

    [Fact]
    public void Heatmap_colour_range_is_the_data_when_it_spans_widely_and_widened_around_the_mean_when_it_does_not()
    {
        Assert.Equal((35.0, 70.0), HeatmapScale.ColorRange([35.0, 50.0, 70.0, double.NaN]));
        // Memory 605..624 MB (3 %): the range is the mean ± 10 %, so the spread uses about a sixth of the scale.
        var (low, high) = HeatmapScale.ColorRange([605.0, 615.0, 624.0]);
        double mean = (605.0 + 615 + 624) / 3;
        Assert.Equal(mean * 0.9, low, 9);
        Assert.Equal(mean * 1.1, high, 9);
        Assert.True((624 - 605) / (high - low) < 0.2);
        // Non-negative data never get a negative bound, and a mean of zero still gets a range.
        Assert.Equal(0, HeatmapScale.ColorRange([0.0, 0.01]).Min);
        Assert.True(HeatmapScale.ColorRange([0.0, 0.0]).Max > 0);
    }

    [Fact]
    public void Ablation_heatmaps_have_a_colour_bar_per_panel_ranges_by_the_rule_and_mean_sd_text()
    {
        var json = ChartJson.Of(WorkbookCharts.AblationHeatmaps(AblationRows, "Ablation", "smoke"));
        var heatmaps = ChartJson.Traces(json);
        Assert.Equal(4, heatmaps.Length);
        Assert.All(heatmaps, h => Assert.True(h.GetProperty("showscale").GetBoolean()));
        // Each bar sits beside its own panel: four distinct positions.
        Assert.Equal(4, heatmaps.Select(h => (h.GetProperty("colorbar").GetProperty("x").GetDouble(), h.GetProperty("colorbar").GetProperty("y").GetDouble())).Distinct().Count());

        var memory = heatmaps[3];
        var expected = HeatmapScale.ColorRange(AblationRows.Select(r => r.PeakMemoryMB));
        Assert.Equal(expected, (memory.GetProperty("zmin").GetDouble(), memory.GetProperty("zmax").GetDouble()));
        Assert.True(expected.Min < 605 && expected.Max > 616, "a 2 % memory spread must not span the colour scale");

        var accuracyText = heatmaps[0].GetProperty("text").EnumerateArray().SelectMany(r => r.EnumerateArray()).Select(t => t.GetString()).ToArray();
        Assert.Contains("54.6 ± 1.5", accuracyText);
        Assert.Contains("mean ± sd over 3 seeds", ChartJson.Title(json));
    }

    [Fact]
    public void Confusion_counts_are_white_on_dark_cells_and_dark_on_light_cells_with_a_colour_bar()
    {
        long[,] counts = { { 0, 190 }, { 5, 100 } };
        var json = ChartJson.Of(WorkbookCharts.Confusion(counts, ["sandal", "sneaker"], "Confusion"));
        var cells = json.GetProperty("layout").GetProperty("annotations").EnumerateArray()
            .ToDictionary(a => (a.GetProperty("y").GetString(), a.GetProperty("x").GetString()), a => a.GetProperty("font").GetProperty("color").GetString());
        // YlGnBu is darkest at 0 and lightest at the maximum.
        Assert.Equal("#ffffff", cells[("sandal", "sandal")]);
        Assert.Equal("#1a1a1a", cells[("sandal", "sneaker")]);
        Assert.NotEqual(cells[("sandal", "sandal")], cells[("sandal", "sneaker")]);
        var heatmap = Assert.Single(ChartJson.Traces(json));
        Assert.True(heatmap.GetProperty("showscale").GetBoolean());
        Assert.Equal(0, heatmap.GetProperty("zmin").GetDouble());
    }

    [Fact]
    public void Text_colour_follows_luminance()
    {
        Assert.Equal("#ffffff", HeatmapScale.TextColorOn((8, 29, 88)));
        Assert.Equal("#1a1a1a", HeatmapScale.TextColorOn((255, 255, 217)));
        Assert.Equal("#1a1a1a", HeatmapScale.TextColorOn((65, 182, 196)));
    }

    [Fact]
    public void Dataset_sizes_put_classes_on_their_own_axis_so_no_series_is_under_one_percent_of_its_axis()
    {
        var json = ChartJson.Of(WorkbookCharts.DatasetSizes([("FashionHeldOut", 4, 400, 1000), ("Digits", 10, 870, 725)]));
        var traces = ChartJson.Traces(json);
        // Per y axis: the largest value of each series on it against the axis's largest value.
        foreach (var axis in traces.GroupBy(t => t.TryGetProperty("yaxis", out var y) ? y.GetString() : "y"))
        {
            double top = axis.Max(t => ChartJson.Numbers(t.GetProperty("y")).Max());
            Assert.All(axis, t => Assert.True(ChartJson.Numbers(t.GetProperty("y")).Max() >= 0.01 * top, $"{t.GetProperty("name")} is invisible on {axis.Key}"));
        }
        var classes = traces.Single(t => t.GetProperty("name").GetString() == "classes");
        var images = traces.Single(t => t.GetProperty("name").GetString() == "train images");
        Assert.NotEqual(classes.GetProperty("yaxis").GetString(), images.GetProperty("yaxis").GetString());
    }

    private static ComparisonRow Comparison(string dataset, int shots, AdapterMethod method, double? ours, double? std, int seeds, double? paper = null) =>
        new(dataset, shots, method, ours, std, seeds, method == AdapterMethod.Lora ? PaperTables.PaperClipLora : "", paper, null, "", "");

    private static readonly ComparisonRow[] FewShot =
    [
        Comparison("FashionHeldOut", 0, AdapterMethod.ZeroShot, 31.8, null, 1),
        Comparison("FashionHeldOut", 1, AdapterMethod.Lora, 41.0, 2.0, 3, paper: 70),
        Comparison("FashionHeldOut", 4, AdapterMethod.Lora, 54.0, 1.0, 3, paper: 75),
        Comparison("FashionHeldOut", 1, AdapterMethod.BlockLora, 43.0, null, 1),
        Comparison("FashionHeldOut", 4, AdapterMethod.BlockLora, 47.0, 3.5, 3),
        Comparison($"{PaperNumbers.Average} (1)", 1, AdapterMethod.Lora, 41.0, 2.0, 3),
        Comparison($"{PaperNumbers.Average} (1)", 4, AdapterMethod.Lora, 54.0, 1.0, 3),
    ];

    [Fact]
    public void Accuracy_vs_shots_has_sd_error_bars_seed_counts_and_published_averages_in_their_own_panel_without_empty_panels()
    {
        var paper = PaperNumbers.Load(Path.Combine(WorkbookProfile.FindRepoRoot(AppContext.BaseDirectory), "results", "paper"));
        var json = ChartJson.Of(WorkbookCharts.AccuracyVsShots(FewShot, paper, "Accuracy against shots"));
        var traces = ChartJson.Traces(json);

        var lora = traces.First(t => t.GetProperty("name").GetString() == "lora (ours)");
        Assert.Equal([2.0, 1.0], ChartJson.ErrorY(lora));
        var block = traces.First(t => t.GetProperty("name").GetString() == "block-lora (ours)");
        Assert.Equal([null, 3.5], ChartJson.ErrorY(block)); // one seed: no bar, never 0
        Assert.Contains("mean ± sd, n = 1–3 seeds per point", ChartJson.Title(json));

        // Published averages never share axes with ours.
        string Axes(JsonElement t) => $"{(t.TryGetProperty("xaxis", out var x) ? x.GetString() : "x")}/{(t.TryGetProperty("yaxis", out var y) ? y.GetString() : "y")}";
        var published = traces.Where(t => t.GetProperty("name").GetString()!.Contains("11-dataset average", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(published);
        var ours = traces.Where(t => t.GetProperty("name").GetString()!.Contains("(ours", StringComparison.Ordinal)).Select(Axes).ToHashSet();
        Assert.All(published, p => Assert.DoesNotContain(Axes(p), ours));
        Assert.Contains(WorkbookCharts.PublishedAveragesPanel, json.GetProperty("layout").GetProperty("annotations").EnumerateArray().Select(a => a.GetProperty("text").GetString()));

        // Three panels (dataset, our average, published) in one row of three cells: every cell has data.
        var grid = json.GetProperty("layout").GetProperty("grid");
        Assert.Equal(3, grid.GetProperty("rows").GetInt32() * grid.GetProperty("columns").GetInt32());
        Assert.Equal(3, traces.Select(Axes).Distinct().Count());
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(3, 1, 3)]
    [InlineData(4, 2, 2)]
    [InlineData(6, 2, 3)]
    [InlineData(8, 4, 2)]
    [InlineData(9, 3, 3)]
    public void Grid_shape_fills_every_cell_when_the_panel_count_allows(int panels, int rows, int columns) =>
        Assert.Equal((rows, columns), WorkbookCharts.GridShape(panels));

    [Fact]
    public void Accuracy_vs_parameters_and_ablation_lines_draw_the_rows_sd_and_say_the_seed_count()
    {
        var json = ChartJson.Of(WorkbookCharts.AccuracyVsParameters(AblationRows, "Accuracy vs parameters"));
        var lora = ChartJson.Traces(json).Single(t => t.GetProperty("name").GetString() == "LoRA");
        Assert.Equal([1.5, 0.5], ChartJson.ErrorY(lora));
        Assert.Contains("mean ± sd over 3 seeds", ChartJson.Title(json));

        var lines = ChartJson.Of(WorkbookCharts.AblationLines(AblationRows, "Lines"));
        var rank2 = ChartJson.Traces(lines).First(t => t.GetProperty("name").GetString() == "r=2");
        Assert.Equal([0.5, 3.0], ChartJson.ErrorY(rank2));
    }

    [Fact]
    public void One_seed_rows_draw_no_error_bars_and_say_one_seed()
    {
        var rows = AblationRows.Select(r => r with { Std = 0, Seeds = 1 }).ToArray();
        var json = ChartJson.Of(WorkbookCharts.AccuracyVsParameters(rows, "Accuracy vs parameters"));
        Assert.All(ChartJson.Traces(json), t => Assert.False(t.TryGetProperty("error_y", out _)));
        Assert.Contains("one seed (no spread)", ChartJson.Title(json));
    }

    [Fact]
    public void Reference_lines_are_shapes_at_their_values()
    {
        var chart = ReferenceLines.With(Plotly.NET.CSharp.Chart.Column<double, string, string>([50.0], Keys: new[] { "a" }),
            [new ReferenceLine(31.8, "zero-shot", "#7f7f7f"), new ReferenceLine(25, "chance", "#000000", "dot")]);
        var shapes = ChartJson.Of(chart).GetProperty("layout").GetProperty("shapes").EnumerateArray().ToArray();
        Assert.Equal([31.8, 25.0], shapes.Select(s => s.GetProperty("y0").GetDouble()).ToArray());
        Assert.All(shapes, s => Assert.Equal(s.GetProperty("y0").GetDouble(), s.GetProperty("y1").GetDouble()));
    }
}
