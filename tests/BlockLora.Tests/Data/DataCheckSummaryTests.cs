using System.Text.Json;
using BlockLora.Data;

namespace BlockLora.Tests.Data;

/// <summary>The data check's table and its JSON twin carry the same numbers and problems.</summary>
public sealed class DataCheckSummaryTests : IDisposable
{
    private readonly DataTestDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void The_table_and_the_json_agree()
    {
        var root = DataCheckRoot.Create(_dir.Path, planted: true);
        var reports = DataCheck.Inspect(root.Root);
        string json = _dir.Combine("out", "check.json");

        string text = DataCheckSummary.FormatText(root.Root, reports, verified: false);
        DataCheckSummary.WriteJson(json, root.Root, reports, verified: false);

        string[] lines = text.Split('\n');
        Assert.Matches(@"^dataset +present +usable +classes +train +val +test +min train/class +problems +warnings$", lines.Single(l => l.StartsWith("dataset ", StringComparison.Ordinal)));
        Assert.Matches(@"^FGVCAircraft +yes +yes +3 +37 +3 +6 +5 \(k<=4\) +0 +2$", lines.Single(l => l.StartsWith("FGVCAircraft ", StringComparison.Ordinal)));
        Assert.Matches(@"^StanfordCars +no( +-){8}$", lines.Single(l => l.StartsWith("StanfordCars ", StringComparison.Ordinal)));
        Assert.Contains($"  DTD: {root.DtdSplit}: line 1", text);
        Assert.Contains("  StanfordCars: StanfordCars folder not found", text);

        using var document = JsonDocument.Parse(File.ReadAllBytes(json));
        var datasets = document.RootElement.GetProperty("datasets").EnumerateArray().ToDictionary(d => d.GetProperty("name").GetString()!);
        Assert.False(document.RootElement.GetProperty("all_present_usable").GetBoolean());
        var fgvc = datasets["FGVCAircraft"];
        Assert.Equal((37, 5, 4), (fgvc.GetProperty("train").GetInt32(), fgvc.GetProperty("min_train_per_class").GetInt32(), fgvc.GetProperty("largest_protocol_shots").GetInt32()));
        Assert.Equal("A320", fgvc.GetProperty("short_classes")[0].GetProperty("name").GetString());
        var dtdProblem = datasets["DTD"].GetProperty("problems")[0];
        Assert.Equal(("malformed-split-file", root.DtdSplit), (dtdProblem.GetProperty("kind").GetString(), dtdProblem.GetProperty("file").GetString()));
        Assert.Contains("fix: ", "fix: " + datasets["StanfordCars"].GetProperty("missing").GetProperty("fix").GetString());
        Assert.Equal(reports.Count, datasets.Count);
        Assert.Empty(Directory.GetFiles(_dir.Combine("out"), "*.tmp"));
    }
}
