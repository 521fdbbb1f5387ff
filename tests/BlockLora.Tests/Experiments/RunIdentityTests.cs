using BlockLora.Adapters;
using BlockLora.Data;
using BlockLora.Experiments;
using BlockLora.Results;
using BlockLora.Torch;
using BlockLora.Training;

namespace BlockLora.Tests.Experiments;

public class RunIdentityTests
{
    private static RunSpec Base() => new()
    {
        ModelPath = Fixtures.ClipTiny("openai.safetensors"), DataRoot = "/data", Dataset = "OxfordPets", Method = AdapterMethod.BlockLora,
        Shots = 4, Seed = 1, Adapter = new AdapterOptions { Rank = 2, Blocks = 4 }, Train = new TrainConfig { Precision = Precision.Fp32 },
    };

    public static TheoryData<string> Changes => new(Variants.Keys);

    private static readonly Dictionary<string, Func<RunSpec, RunSpec>> Variants = new()
    {
        ["lr"] = s => s with { Train = s.Train with { LearningRate = 1e-3 } },
        ["batch size"] = s => s with { Train = s.Train with { BatchSize = 16 } },
        ["weight decay"] = s => s with { Train = s.Train with { WeightDecay = 0 } },
        ["iterations"] = s => s with { Train = s.Train with { Iterations = 10 } },
        ["template"] = s => s with { Train = s.Train with { Template = "itap of a {}." } },
        ["crop scale"] = s => s with { Train = s.Train with { MinCropScale = 0.5 } },
        ["precision"] = s => s with { Train = s.Train with { Precision = Precision.Bf16 } },
        ["dropout"] = s => s with { Adapter = s.Adapter with { Dropout = 0.1 } },
        ["scaling rule"] = s => s with { Adapter = s.Adapter with { Scaling = ScalingRule.AlphaOverRank } },
        ["init fan-in"] = s => s with { Adapter = s.Adapter with { InitFanIn = InitFanIn.FullWidth } },
        ["freeze A"] = s => s with { Adapter = s.Adapter with { FreezeA = true } },
        ["init"] = s => s with { Adapter = s.Adapter with { Init = AdapterInit.Pissa } },
        ["layers"] = s => s with { Adapter = s.Adapter with { Layers = LayerSelection.Parse("0") } },
        ["targets"] = s => s with { Adapter = s.Adapter with { Targets = AdapterTargets.All } },
        ["encoders"] = s => s with { Adapter = s.Adapter with { Encoders = AdapterEncoders.Vision } },
        ["alpha"] = s => s with { Adapter = s.Adapter with { Alpha = 2 } },
        ["dora"] = s => s with { Adapter = s.Adapter with { Dora = true } },
        ["rank"] = s => s with { Adapter = s.Adapter with { Rank = 4 } },
        ["blocks"] = s => s with { Adapter = s.Adapter with { Blocks = 8 } },
        ["method"] = s => s with { Method = AdapterMethod.Lora },
        ["shots"] = s => s with { Shots = 8 },
        ["seed"] = s => s with { Seed = 2 },
        ["dataset"] = s => s with { Dataset = "DTD" },
        ["backbone"] = s => s with { ModelPath = Fixtures.ClipTiny("openai-jit.pt") },
    };

    [Theory]
    [MemberData(nameof(Changes))]
    public void Every_setting_that_can_change_a_result_changes_the_id_and_the_folder(string change)
    {
        var a = Base();
        var b = Variants[change](a);
        Assert.NotEqual(RunIdentity.Of(a).Id, RunIdentity.Of(b).Id);
        Assert.NotEqual(a.RunFolder, b.RunFolder);
    }

    /// <summary>Another value for every option a sweep can set; a new option must be added here (and decide whether it changes results).</summary>
    private static readonly Dictionary<string, string> OtherValues = new()
    {
        ["model"] = Fixtures.ClipTiny("openai-jit.pt"), ["dataset"] = "DTD", ["method"] = "lora", ["shots"] = "8", ["seed"] = "2",
        ["rank"] = "4", ["blocks"] = "8", ["alpha"] = "2", ["scaling"] = "alpha/r", ["dropout"] = "0.1", ["init-fan-in"] = "full", ["freeze-a"] = "true", ["init"] = "pissa", ["dora"] = "true", ["vera-d-initial"] = "0.5",
        ["targets"] = "v,o", ["encoders"] = "vision", ["layers"] = "0-1", ["iterations"] = "7", ["iterations-per-shot"] = "3", ["iterations-base"] = "5", ["batch-size"] = "16", ["lr"] = "1e-3",
        ["weight-decay"] = "0", ["template"] = "itap of a {}.", ["classes"] = "base", ["min-crop-scale"] = "0.5", ["device"] = "cuda", ["precision"] = "bf16",
        // These never change what a run computes: the same id, so a rerun with them changed finds the finished run.
        ["workers"] = "7", ["checkpoint-every"] = "3", ["log-every"] = "4", ["results"] = "elsewhere", ["data-root"] = "/moved/data", ["eval-on"] = "DTD",
    };

    private static readonly HashSet<string> NotInIdentity = ["workers", "checkpoint-every", "log-every", "results", "data-root", "eval-on"];

    [Fact]
    public void Every_option_a_sweep_can_set_either_changes_the_id_or_is_declared_not_to()
    {
        var basis = Base();
        foreach (var setting in RunSettings.All.Where(s => s.Key != "split-file")) // split files: A_split_file_is_identified_by_its_content
        {
            Assert.True(OtherValues.ContainsKey(setting.Key), $"no other value for '{setting.Key}' in this test");
            var changed = setting.Apply(basis, OtherValues[setting.Key]);
            if (NotInIdentity.Contains(setting.Key)) Assert.Equal(RunIdentity.Of(basis).Id, RunIdentity.Of(changed).Id);
            else Assert.NotEqual(RunIdentity.Of(basis).Id, RunIdentity.Of(changed).Id);
        }
    }

    [Fact]
    public void Vera_d_initial_enters_the_id_only_when_not_peft_s_default()
    {
        var vera = Base() with { Method = AdapterMethod.Vera, Adapter = Base().Adapter with { Blocks = 1 } };
        var setting = RunSettings.Get("vera-d-initial");
        Assert.Equal(RunIdentity.Of(vera).Json, RunIdentity.Of(setting.Apply(vera, "0.1")).Json);
        Assert.DoesNotContain("vera_d_initial", RunIdentity.Of(vera).Json);
        var changed = RunIdentity.Of(setting.Apply(vera, "0.5"));
        Assert.Contains("\"vera_d_initial\":0.5", changed.Json);
        Assert.NotEqual(RunIdentity.Of(vera).Id, changed.Id);
    }

    [Fact]
    public void Workers_checkpoint_and_log_intervals_results_folder_and_resume_do_not_change_it()
    {
        var a = Base();
        var b = a with { Train = a.Train with { DataWorkers = 7, CheckpointEvery = 3, LogEvery = 2 }, ResultsDir = "elsewhere", Resume = false };
        Assert.Equal(RunIdentity.Of(a), RunIdentity.Of(b));
    }

    [Fact]
    public void The_id_is_the_sha256_of_a_canonical_json_that_a_row_carries()
    {
        var identity = RunIdentity.Of(Base());
        Assert.Matches("^[0-9a-f]{64}$", identity.Id);
        Assert.Equal(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(identity.Json))).ToLowerInvariant(), identity.Id);
        using var doc = System.Text.Json.JsonDocument.Parse(identity.Json);
        Assert.Equal(2e-4, doc.RootElement.GetProperty("training").GetProperty("lr").GetDouble());
        Assert.Equal(RunIdentity.FormatVersion, doc.RootElement.GetProperty("format_version").GetInt32());
        Assert.Equal(identity.Json, RunIdentity.Of(Base()).Json); // canonical: same settings, same bytes
        Assert.EndsWith(identity.ShortId, Base().RunFolder);
    }

    [Fact]
    public void A_split_file_is_identified_by_its_content()
    {
        string dir = Fixtures.TempDir();
        string a = Path.Combine(dir, "a.json"), b = Path.Combine(dir, "b.json");
        File.WriteAllText(a, "[1]");
        File.WriteAllText(b, "[1]");
        Assert.Equal(RunIdentity.Of(Base() with { SplitFile = a }).Id, RunIdentity.Of(Base() with { SplitFile = b }).Id);
        File.WriteAllText(b, "[2]");
        Assert.NotEqual(RunIdentity.Of(Base() with { SplitFile = a }).Id, RunIdentity.Of(Base() with { SplitFile = b }).Id);
        Assert.NotEqual(RunIdentity.Of(Base()).Id, RunIdentity.Of(Base() with { SplitFile = a }).Id);
    }

    [Fact]
    public void Rows_of_the_older_format_are_read_but_never_taken_as_a_finished_run()
    {
        string results = Fixtures.TempDir();
        var spec = Base() with { ResultsDir = results };
        // What the previous version wrote for this spec: the same fields, no run id.
        var legacy = FewShotRun.Identity(spec) with { RunId = "", Config = "", Accuracy = 50 };
        ResultsStore.In(results).Append(legacy);
        var finished = FinishedRuns.In(results);
        Assert.Equal(1, finished.OlderFormatRows);
        Assert.False(finished.Contains(spec));
        ResultsStore.In(results).Append(FewShotRun.Identity(spec) with { Accuracy = 51 });
        Assert.True(FinishedRuns.In(results).Contains(spec));
        var rows = ResultsStore.In(results).ReadAll();
        Assert.Equal(["", RunIdentity.Of(spec).Id], rows.Select(r => r.RunId));
        Assert.Equal(RunIdentity.Of(spec).Json, rows[1].Config);
    }

    [Fact]
    public void The_own_run_of_an_eval_on_or_new_half_row_is_the_run_that_wrote_it()
    {
        var spec = Base();
        var evalOn = RunIdentity.Of(spec, "DTD");
        Assert.NotEqual(RunIdentity.Of(spec).Id, evalOn.Id);
        Assert.Equal(RunIdentity.Of(spec).Id, RunIdentity.OwnRunOf(evalOn.Json).Id);
        Assert.Equal(RunIdentity.Of(spec), RunIdentity.OwnRunOf(RunIdentity.Of(spec).Json));

        var baseRun = spec with { Classes = ClassSubset.Base };
        var newHalf = RunIdentity.Of(baseRun, "", ClassSubset.New);
        Assert.NotEqual(RunIdentity.Of(baseRun).Id, newHalf.Id);
        Assert.Equal(RunIdentity.Of(baseRun).Id, RunIdentity.OwnRunOf(newHalf.Json).Id);
        Assert.Throws<InvalidDataException>(() => RunIdentity.OwnRunOf("[1]"));
    }
}
