using BlockLora.Adapters;
using BlockLora.Workbook.Demo;
using Plotly.NET;

namespace BlockLora.Workbook.Tests.Demo;

/// <summary>The demo's table, summary and chart on hand-made runs: mean ± sample sd with n, "—" for one seed, zero-shot once.</summary>
public class DemoReportTests
{
    private static readonly DemoTask Task = new(DemoTasks.DigitsDataset, "digits", ["0", "1"], 10, 20);

    private static DemoRow Run(AdapterMethod method, int shots, int blocks, int seed, double accuracy) =>
        new(Task.Name, method, shots, blocks, 70, seed, accuracy, 100, 2.0 + seed, method == AdapterMethod.ZeroShot ? null : $"/tmp/{seed}.safetensors");

    private static DemoReport Report(IReadOnlyList<DemoRow> rows) =>
        new(new DemoConfig(), [Task], rows, new TaskSwitchReport([], 1, 1.0, 1, true), "results.csv", "demo.html", null, null, "demo-summary.md", 125,
            new DemoMachine("Test CPU 9000", 2, true));

    private static readonly DemoRow[] Runs =
    [
        Run(AdapterMethod.ZeroShot, 1, 1, 1, 30.0),
        // LoRA, three seeds: mean 44, sample sd sqrt(((-2)² + 0² + 2²) / 2) = 2 (the population sd would be 1.63).
        Run(AdapterMethod.Lora, 4, 1, 1, 42.0),
        Run(AdapterMethod.Lora, 4, 1, 2, 44.0),
        Run(AdapterMethod.Lora, 4, 1, 3, 46.0),
        // Block-LoRA n=4, one seed only.
        Run(AdapterMethod.BlockLora, 4, 4, 1, 50.0),
    ];

    [Fact]
    public void Table_shows_mean_sample_sd_and_n_with_a_dash_for_one_seed_and_zero_shot_once()
    {
        string table = Report(Runs).FormatTable();
        var lines = table.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        var lora = Assert.Single(lines, l => l.Contains("LoRA ", StringComparison.Ordinal) && !l.Contains("Block", StringComparison.Ordinal));
        Assert.Contains("44.0 ± 2.0 (n=3)", lora);
        Assert.Contains("+14.0", lora); // the mean against zero-shot
        Assert.EndsWith(" 4.0", lora.TrimEnd()); // mean train seconds of 3, 4 and 5

        var block = Assert.Single(lines, l => l.Contains("Block-LoRA n=4", StringComparison.Ordinal));
        Assert.Contains("50.0 ± — (n=1)", block);
        Assert.DoesNotContain("0.0 (n=1)", block);
        Assert.Contains("+20.0", block);

        var zeroShot = Assert.Single(lines, l => l.StartsWith("Digits          zero-shot", StringComparison.Ordinal));
        Assert.Contains("30.0 (deterministic)", zeroShot);
    }

    [Fact]
    public void Summary_names_the_seeds_the_machine_and_the_wall_time()
    {
        string summary = Report(Runs).FormatSummary();
        Assert.Contains("n = 1–3 seeds per point", summary);
        Assert.Contains("seed 1", summary); // the switching check's seed
        Assert.Contains("2.1 min on Test CPU 9000, 2 CPU cores, bf16: yes", summary);
    }

    [Fact]
    public void Sample_sd_divides_by_n_minus_one_and_is_absent_for_one_value()
    {
        Assert.Null(DemoSummaryRow.SampleSd([5.0]));
        Assert.Equal(Math.Sqrt(2.0 / 1), DemoSummaryRow.SampleSd([1.0, 3.0])!.Value, 12);
        Assert.Equal("12.3 ± — (n=1)", DemoSummaryRow.Format(12.34, 0.0, 1));
        Assert.Equal("12.3 ± 0.5 (n=2)", DemoSummaryRow.Format(12.34, 0.5, 2));
    }

    [Fact]
    public void Chart_has_sd_error_bars_for_several_seeds_none_for_one_and_the_seed_count_in_its_title()
    {
        var summary = DemoSummaryRow.Summarise(Runs);
        string json = GenericChart.toJson(DemoChart.Build([Task], summary));
        var doc = System.Text.Json.JsonDocument.Parse(json).RootElement;
        var traces = doc.GetProperty("data").EnumerateArray().ToArray();

        var lora = traces.Single(t => t.GetProperty("name").GetString() == "LoRA");
        var bars = lora.GetProperty("error_y").GetProperty("array").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal([2.0], bars, (a, b) => Math.Abs(a - b) < 1e-9);
        var block = traces.Single(t => t.GetProperty("name").GetString() == "Block-LoRA n=4");
        Assert.False(block.TryGetProperty("error_y", out _), "one seed draws no error bar");
        Assert.Contains("n = 1–3 seeds per point", doc.GetProperty("layout").GetProperty("title").GetProperty("text").GetString());
    }
}
