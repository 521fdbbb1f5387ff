using BlockLora.Adapters;
using BlockLora.Data;
using BlockLora.Experiments;
using BlockLora.Torch;

namespace BlockLora.Tests.Experiments;

/// <summary>
/// The run ids of a fixed set of configurations, as the version that wrote <c>run-ids.golden.tsv</c> computed them. A
/// refactoring must leave every one identical: an id that moves orphans every stored row and run folder of that run.
/// The set sets every option of <see cref="RunSettings"/> away from its default once, both halves of a base run, and
/// eval-on rows. Regenerate the file only for a deliberate change of what a run computes (and bump
/// <see cref="RunIdentity.FormatVersion"/>): <c>BLORA_WRITE_GOLDEN=1 dotnet test --filter RunIdGoldenTests</c>.
/// </summary>
public class RunIdGoldenTests
{
    private static string GoldenPath => Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "Experiments", "run-ids.golden.tsv");

    private static RunSpec Base() => RunSettings.Defaults() with
    {
        ModelPath = Fixtures.ClipTiny("openai.safetensors"), DataRoot = "/data", ResultsDir = "/results", Dataset = "OxfordPets",
        Train = RunSettings.Defaults().Train with { Precision = Precision.Fp32 },
    };

    /// <summary>Name → (spec, eval dataset, eval half): one line of the golden file each.</summary>
    public static IReadOnlyList<(string Name, RunSpec Spec, string EvalDataset, ClassSubset? EvalClasses)> Cases()
    {
        var b = Base();
        var cases = new List<(string, RunSpec, string, ClassSubset?)>
        {
            ("default block-lora", b, "", null),
            ("lora", b with { Method = AdapterMethod.Lora }, "", null),
            ("zero-shot", b with { Method = AdapterMethod.ZeroShot }, "", null),
            ("zero-shot on DTD", b with { Method = AdapterMethod.ZeroShot, Dataset = "DTD" }, "", null),
            ("base run, base half", b with { Classes = ClassSubset.Base }, "", null),
            ("base run, new half", b with { Classes = ClassSubset.Base }, "", ClassSubset.New),
            ("zero-shot base half", b with { Method = AdapterMethod.ZeroShot, Classes = ClassSubset.Base }, "", null),
            ("zero-shot new half", b with { Method = AdapterMethod.ZeroShot, Classes = ClassSubset.Base }, "", ClassSubset.New),
            ("eval-on DTD row", b with { AlsoEvaluateOn = ["DTD"] }, "DTD", null),
            ("eval-on ImageNetV2 row", b with { Dataset = "ImageNet", Shots = 16, AlsoEvaluateOn = ["ImageNetV2"] }, "ImageNetV2", null),
            ("bf16", b with { Train = b.Train with { Precision = Precision.Bf16 } }, "", null),
            ("fp16", b with { Train = b.Train with { Precision = Precision.Fp16 } }, "", null),
            ("cuda device", b with { Train = b.Train with { Device = "cuda:1", Precision = Precision.Bf16 } }, "", null),
        };
        // Every option of a run set away from its default, one at a time (as a grid file or the CLI would set it).
        var values = new Dictionary<string, string>
        {
            ["dataset"] = "DTD", ["method"] = "lora", ["shots"] = "4", ["seed"] = "3", ["rank"] = "4", ["blocks"] = "4", ["alpha"] = "2",
            ["scaling"] = "alpha/r", ["dropout"] = "0.1", ["init-fan-in"] = "full", ["targets"] = "q,k,v,o", ["encoders"] = "vision",
            ["layers"] = "text:0-5;vision:6-11", ["iterations"] = "123", ["iterations-per-shot"] = "10", ["iterations-base"] = "60",
            ["batch-size"] = "16", ["lr"] = "1e-3", ["weight-decay"] = "0", ["template"] = "itap of a {}.", ["min-crop-scale"] = "0.5",
            ["precision"] = "bf16", ["classes"] = "base",
        };
        foreach (var (key, value) in values)
            cases.Add(($"{key}={value}", RunSettings.Get(key).Apply(b, value), "", null));
        return cases;
    }

    private static IReadOnlyList<string> Lines() =>
        Cases().Select(c => $"{c.Name}\t{RunIdentity.Of(c.Spec, c.EvalDataset, c.EvalClasses).Id}").ToArray();

    [Fact]
    public void Run_ids_of_the_fixed_configurations_stay_identical()
    {
        if (Environment.GetEnvironmentVariable("BLORA_WRITE_GOLDEN") == "1") File.WriteAllLines(GoldenPath, Lines());
        Assert.True(File.Exists(GoldenPath), $"{GoldenPath} is missing");
        var golden = File.ReadAllLines(GoldenPath).Where(l => l.Length > 0).ToArray();
        Assert.Equal(golden, Lines());
        // Every option set away from its default makes another run (a few cases repeat a named one on purpose).
        string defaultId = golden[0].Split('\t')[1];
        Assert.All(golden.Skip(1), l => Assert.NotEqual(defaultId, l.Split('\t')[1]));
    }
}
