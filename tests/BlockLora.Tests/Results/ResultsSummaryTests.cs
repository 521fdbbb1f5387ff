using BlockLora.Adapters;
using BlockLora.Results;

namespace BlockLora.Tests.Results;

/// <summary>Averaging over seeds never mixes runs that differ in any other setting.</summary>
public class ResultsSummaryTests
{
    private static RunRecord Row(int seed, string lr, double accuracy, string precision = "fp32") => new()
    {
        Dataset = "DTD", Shots = 4, Seed = seed, Method = AdapterMethod.Lora, Rank = 2, Blocks = 1, Accuracy = accuracy, Precision = precision,
        RunId = $"{lr}-{seed}-{precision}",
        Config = "{\"adapter\":{\"rank\":2},\"dataset\":\"DTD\",\"precision\":\"" + precision + "\",\"seed\":" + seed + ",\"shots\":4,\"training\":{\"lr\":" + lr + "}}",
    };

    [Fact]
    public void Runs_that_differ_in_lr_or_precision_are_separate_configurations()
    {
        var rows = new[] { Row(1, "0.0002", 50), Row(2, "0.0002", 60), Row(1, "0.001", 30), Row(2, "0.001", 40), Row(1, "0.0002", 90, "bf16") };
        var summaries = ResultsSummary.MeanOverSeeds(rows);
        Assert.Equal(3, summaries.Count);
        var main = summaries.Single(s => s.Settings.Contains("0.0002") && s.Settings.Contains("fp32"));
        Assert.Equal((55.0, 2), (main.Accuracy, main.Seeds));
        Assert.Equal(35.0, summaries.Single(s => s.Settings.Contains("0.001")).Accuracy);
        Assert.DoesNotContain("\"seed\"", main.Settings);
    }
}
