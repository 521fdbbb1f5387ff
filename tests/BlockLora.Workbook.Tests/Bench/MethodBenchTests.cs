using BlockLora.Adapters;
using BlockLora.Tests;
using BlockLora.Tests.Adapters;
using BlockLora.Torch;
using BlockLora.Workbook.Bench;
using static TorchSharp.torch;

namespace BlockLora.Workbook.Tests.Bench;

/// <summary>
/// <c>blora bench --methods</c>: the LoRA family's training rows. The catalog names each method once per rank, each runs
/// through the library's workloads on a small CLIP (training, adapters only, merged and unmerged evaluation), and the run
/// writes a row per method and precision with its ratio to the baseline method and the target beside it.
/// No timing is asserted: whether a target is met is the output, not a test.
/// </summary>
[Collection(TrainingCollection.Name)]
public class MethodBenchTests
{
    private static BenchConfig Methods(string output) => new()
    {
        Methods = true,
        ModelPath = Fixtures.ClipTiny("openai.safetensors"),
        Batch = 2,
        Classes = 3,
        Reps = 1,
        Warmup = 1,
        Ranks = [2],
        Blocks = [2, 8],
        VeraRank = 16,
        OutputDir = output,
        Twin = false,
        MinSampleSeconds = 0,
    };

    [Fact]
    public void The_catalog_has_a_training_case_per_method_each_against_the_method_it_extends()
    {
        var cases = BenchCatalog.Create(Methods(Fixtures.TempDir()));
        Assert.Equal(
            ["train/lora/r2", "train/block-lora/r2/n2", "train/block-lora/r2/n8", "train/dora/r2", "train/block-dora/r2/n8", "train/lora-fa/r2", "train/pissa/r2", "train/vera/r16"],
            cases.Select(c => c.Id));
        Assert.All(cases, c => Assert.Equal(BenchKind.Train, c.Kind));
        AdapterConfig Of(string id) => cases.Single(c => c.Id == id).Adapter!;
        Assert.True(Of("train/dora/r2") is { Method: AdapterMethod.Lora, Dora: true, FreezeA: false });
        Assert.True(Of("train/block-dora/r2/n8") is { Method: AdapterMethod.BlockLora, Blocks: 8, Dora: true });
        Assert.True(Of("train/lora-fa/r2") is { Method: AdapterMethod.Lora, FreezeA: true, Dora: false });
        Assert.True(Of("train/pissa/r2") is { Method: AdapterMethod.Lora, Init: AdapterInit.Pissa });
        Assert.True(Of("train/vera/r16") is { Method: AdapterMethod.Vera, Rank: 16, Blocks: 1 });
        Assert.Equal("train/block-lora/r2/n8", cases.Single(c => c.Id == "train/block-dora/r2/n8").BaselineId);
        Assert.All(cases.Where(c => c.Id != "train/lora/r2"), c => Assert.Contains(c.BaselineId, cases.Select(b => b.Id)));
        Assert.Equal(new BenchTarget("LoRA", 1.3), cases.Single(c => c.Id == "train/dora/r2").Target);
        Assert.Equal(new BenchTarget("LoRA", 1.1), cases.Single(c => c.Id == "train/vera/r16").Target);
        Assert.Equal(new BenchTarget("LoRA", 1.0, LowerPeak: true), cases.Single(c => c.Id == "train/lora-fa/r2").Target);
        // The twin builds plain LoRA and Block-LoRA only: the other methods must not reach it under their ids.
        Assert.Equal(["train/lora/r2", "train/block-lora/r2/n2", "train/block-lora/r2/n8"], cases.Where(c => c.HasTwin).Select(c => c.Id));
    }

    [Fact]
    public void Only_selects_methods_and_keeps_their_baselines()
    {
        var cases = BenchCatalog.Create(Methods(Fixtures.TempDir()) with { Only = ["train/block-dora"] });
        Assert.Equal(["train/block-lora/r2/n8", "train/block-dora/r2/n8"], cases.Select(c => c.Id));
    }

    public static TheoryData<string> Workloads() => ["train", "adapter", "adapter/dense-delta", "eval/merged", "eval/unmerged"];

    /// <summary>Every method through every workload that applies an adapter: no method may need LoRA's own tensors.</summary>
    [Theory]
    [MemberData(nameof(Workloads))]
    public void Each_method_runs_through_the_workloads_on_a_small_random_clip(string workload)
    {
        var clip = TinyClip.Config(visionWidth: 32, textWidth: 16);
        using var model = RandomClip.Create(clip);
        var config = Methods(Fixtures.TempDir()) with { ModelPath = null, VeraRank = 8 };
        using var tokens = TinyClip.Tokens(clip, batch: 3);
        using var workloads = new LibraryWorkloads(model, config, tokens, CPU);
        var (kind, variant) = workload switch
        {
            "train" => (BenchKind.Train, ""),
            "adapter" => (BenchKind.Adapter, ""),
            "adapter/dense-delta" => (BenchKind.Adapter, "dense-delta"),
            "eval/merged" => (BenchKind.Eval, "merged"),
            _ => (BenchKind.Eval, "unmerged"),
        };
        foreach (var method in BenchCatalog.MethodCases(config))
        {
            var benchCase = method with { Kind = kind, Variant = variant };
            var sample = workloads.Measure(benchCase, inner: 1, trackMemory: true);
            Assert.True(sample.Seconds > 0 && double.IsFinite(sample.Seconds), benchCase.Id);
            // The set is detached (and unmerged) after each sample: the base weights are back and no slot holds an adapter.
            Assert.All(model.AdaptableSlots(), s => Assert.True(s.Slot.Adapter is null && !s.Slot.IsMerged, $"{benchCase.Id}: {s.Path}"));
        }
    }

    [Fact]
    public void A_methods_run_writes_a_row_per_method_and_precision_with_ratios_and_targets()
    {
        string output = Fixtures.TempDir();
        var config = Methods(output) with { Precisions = [Precision.Fp32, Precision.Bf16] };
        var (result, files) = BenchRunner.RunAndWrite(config);

        var ids = BenchCatalog.Create(config).Select(c => c.Id).ToList();
        Assert.Equal(ids.Select(id => (id, "fp32")).Concat(ids.Select(id => (id, "bf16"))), result.Rows.Select(r => (r.Id, r.Precision)));
        Assert.All(result.Rows, r =>
        {
            Assert.True(r.OursMs > 0 && r.OursMinMs <= r.OursMs && r.OursMs <= r.OursMaxMs, r.Id);
            Assert.True(r.AdapterStepMflop > 0, r.Id);
            Assert.True(r.TrainableParameters > 0, r.Id);
        });
        Assert.All(result.Rows.Where(r => r.BaselineId is not null), r => Assert.True(r.VsBaseline is > 0 && r.VsMin <= r.VsBaseline && r.VsBaseline <= r.VsMax, r.Id));
        // Each target is judged (either way) on the ratios of its own precision.
        Assert.All(result.Rows.Where(r => r.Id is "train/dora/r2" or "train/vera/r16" or "train/lora-fa/r2"), r =>
        {
            Assert.NotNull(r.Target);
            // A peak target with no measured baseline peak (a tiny model's step can stay within resident heap) is not judged.
            bool? expected = r.Id == "train/lora-fa/r2" && r.PeakVsBaseline is null ? null
                : r.VsBaseline <= (r.Id == "train/dora/r2" ? 1.3 : r.Id == "train/vera/r16" ? 1.1 : 1.0) && (r.Id != "train/lora-fa/r2" || r.PeakVsBaseline < 1);
            Assert.Equal(expected, r.TargetMet);
        });
        var dora = result.Rows.Single(r => r.Id == "train/dora/r2" && r.Precision == "bf16");
        var loraBf16 = result.Rows.Single(r => r.Id == "train/lora/r2" && r.Precision == "bf16");
        if (loraBf16.OursPeakMb > 0) Assert.Equal(dora.OursPeakMb / loraBf16.OursPeakMb, dora.PeakVsBaseline!.Value, 9);
        else Assert.Null(dora.PeakVsBaseline); // no ratio over a zero peak
        // DoRA adds d parameters per matrix to LoRA's; LoRA-FA trains B alone.
        var lora = result.Rows.Single(r => r.Id == "train/lora/r2" && r.Precision == "fp32");
        Assert.True(dora.TrainableParameters > lora.TrainableParameters);
        Assert.True(result.Rows.Single(r => r.Id == "train/lora-fa/r2" && r.Precision == "fp32").TrainableParameters < lora.TrainableParameters);

        Assert.Contains(result.Machine, m => m.StartsWith("bf16: CPU with", StringComparison.Ordinal));
        string md = File.ReadAllText(Path.Combine(output, "bench.md"));
        Assert.Contains("--methods --vera-rank 16", md);
        Assert.Contains("| method | precision | step ms [range] | vs [range] |", md);
        Assert.Contains("step ≤ 1.3 × LoRA", md);
        Assert.Contains("step ≤ 1.0 × LoRA, peak < LoRA", md);
        string[] csv = File.ReadAllLines(Path.Combine(output, "bench.csv"));
        Assert.EndsWith("adapter_step_mflop,target,target_met", csv[0]);
        Assert.Equal(1 + result.Rows.Count, csv.Length);
        Assert.Equal(3, files.Count);
    }

    [Theory]
    [InlineData(1.25, null, true)]
    [InlineData(1.35, null, false)]
    public void A_time_target_is_met_at_or_below_its_ratio(double ratio, double? peak, bool met) =>
        Assert.Equal(met, new BenchTarget("LoRA", 1.3).IsMet(ratio, peak));

    [Fact]
    public void A_memory_target_needs_a_lower_peak_too()
    {
        var target = new BenchTarget("LoRA", 1.0, LowerPeak: true);
        Assert.True(target.IsMet(0.98, 0.9));
        Assert.False(target.IsMet(0.98, 1.02));
        Assert.False(target.IsMet(1.02, 0.9));
        Assert.Null(target.IsMet(0.98, null));
        Assert.Null(target.IsMet(null, 0.9));
    }
}
