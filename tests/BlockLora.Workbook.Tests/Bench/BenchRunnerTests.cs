using System.Diagnostics;
using BlockLora.Tests;
using BlockLora.Torch;
using BlockLora.Workbook.Bench;

namespace BlockLora.Workbook.Tests.Bench;

/// <summary>
/// <c>blora bench</c> end to end on the tiny fixture: every case yields a row, ratios point at rows that
/// exist, and the CSV, markdown and chart are written. No timing is asserted (timings are the output).
/// The twin tests need Debian's PyTorch (data-scripts/install-debian-packages.sh installs it, as CI does) and fail
/// without it: a twin test that passed by doing nothing would hide a broken twin.
/// </summary>
[Collection(TrainingCollection.Name)]
public class BenchRunnerTests
{
    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "BlockLora.Research.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found above the test binaries");
    }

    private static BenchConfig Tiny(string output, bool twin) => new()
    {
        ModelPath = Fixtures.ClipTiny("openai.safetensors"),
        Batch = 2,
        Classes = 3,
        Reps = 2,
        Warmup = 1,
        Ranks = [2],
        Blocks = [2, 8],
        GemmSize = 64,
        OutputDir = output,
        Twin = twin,
        TwinScript = Path.Combine(RepositoryRoot(), "bench", "pytorch_twin.py"),
        MinSampleSeconds = 0,
    };

    [Fact]
    public void Every_case_runs_at_each_precision_with_the_ratio_to_fp32_on_both_sides()
    {
        string output = Fixtures.TempDir();
        var config = Tiny(output, twin: true) with { Precisions = [Precision.Fp32, Precision.Bf16], Only = ["gemm", "eval/base", "train/lora"] };
        TwinPackages.RequirePythonWithTorch();
        var (result, _) = BenchRunner.RunAndWrite(config);

        var ids = BenchCatalog.Create(config).Select(c => c.Id).ToList();
        Assert.Equal(ids.Select(id => (id, "fp32")).Concat(ids.Select(id => (id, "bf16"))), result.Rows.Select(r => (r.Id, r.Precision)));
        Assert.All(result.Rows.Where(r => r.Precision == "fp32"), r => Assert.Null(r.VsFp32));
        Assert.All(result.Rows.Where(r => r.Precision == "bf16"), r =>
        {
            Assert.True(r.VsFp32 is > 0, r.Id);
            Assert.True(r.TwinVsFp32 is > 0, $"{r.Id}: the twin ran under autocast and has its own ratio");
        });
        Assert.Contains(result.Machine, m => m.Contains("torch.autocast(\"cpu\", dtype=torch.bfloat16)"));
        string[] csv = File.ReadAllLines(Path.Combine(output, "bench.csv"));
        Assert.Contains("precision,vs_fp32,pytorch_vs_fp32", csv[0]);
        Assert.Equal(1 + 2 * ids.Count, csv.Length);
        Assert.Contains("| precision |", File.ReadAllText(Path.Combine(output, "bench.md")));
    }

    [Fact]
    public void Every_case_gets_a_row_and_the_report_files_are_written()
    {
        string output = Fixtures.TempDir();
        var (result, files) = BenchRunner.RunAndWrite(Tiny(output, twin: false));

        var ids = BenchCatalog.Create(result.Config).Select(c => c.Id).ToList();
        Assert.Equal(ids, result.Rows.Select(r => r.Id).ToList());
        // A consumer that finds its next batch ready waits 0 ms; everything else takes time.
        Assert.All(result.Rows, r => Assert.True(r.Id == "data/overlap" ? r.OursMs >= 0 : r.OursMs > 0 && double.IsFinite(r.OursMs), r.Id));
        Assert.All(result.Rows.Where(r => r.BaselineId is not null), r => Assert.Contains(r.BaselineId, ids));
        Assert.All(result.Rows.Where(r => r.BaselineId is not null), r => Assert.NotNull(r.VsBaseline));
        Assert.All(result.Rows, r => Assert.Null(r.OursOverTwin));
        Assert.Contains("--no-twin", result.TwinStatus);
        // The merged model exported and run by ONNX Runtime, compared with our merged eval.
        Assert.Equal("eval/block-lora/r2/n8/merged", result.Rows.Single(r => r.Id == "eval/block-lora/r2/n8/onnx").BaselineId);

        // q, k, v of 2 vision layers (width 128) and 2 text layers (width 64), r = 2: LoRA r(d + k) per matrix,
        // 6·2·256 + 6·2·128 = 4,608; Block-LoRA n = 8, r(d + k/n): 6·2·144 + 6·2·72 = 2,592.
        var lora = result.Rows.Single(r => r.Id == "train/lora/r2");
        var blockLora = result.Rows.Single(r => r.Id == "train/block-lora/r2/n8");
        Assert.Equal(4608, lora.TrainableParameters);
        Assert.Equal(2592, blockLora.TrainableParameters);
        Assert.True(blockLora.AdapterMflop < lora.AdapterMflop);

        Assert.Equal(3, files.Count);
        Assert.All(files, f => Assert.True(File.Exists(f), f));
        string[] csv = File.ReadAllLines(Path.Combine(output, "bench.csv"));
        Assert.Equal(ids.Count + 1, csv.Length);
        Assert.StartsWith("id,kind,title,baseline,ours_ms", csv[0]);
        Assert.Contains("| case |", File.ReadAllText(Path.Combine(output, "bench.md")));
        Assert.Contains("<svg", File.ReadAllText(Path.Combine(output, "bench.html")));
    }

    [Fact]
    public void The_twin_runs_the_same_cases()
    {
        TwinPackages.RequirePythonWithTorch();
        var result = new BenchRunner(Tiny(Fixtures.TempDir(), twin: true)).Run();
        Assert.StartsWith("PyTorch twin:", result.TwinStatus);
        // The ONNX Runtime row has no twin counterpart (the twin is PyTorch).
        Assert.All(result.Rows.Where(r => r.Kind is "train" or "eval" or "adapter" or "text" or "gemm" or "frozen" && !r.Id.EndsWith("/onnx", StringComparison.Ordinal)),
            r => Assert.True(r.OursOverTwin is > 0, $"{r.Id} has no ratio"));
    }

    [Fact]
    public void The_twin_reproduces_the_fixture_outputs()
    {
        var start = new ProcessStartInfo(TwinPackages.RequirePythonWithTorch()) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(RepositoryRoot(), "bench", "pytorch_twin.py"));
        start.ArgumentList.Add("--check");
        start.ArgumentList.Add(Fixtures.ClipTinyDir);
        start.Environment["OMP_WAIT_POLICY"] = "PASSIVE";
        using var process = Process.Start(start)!;
        string stdout = process.StandardOutput.ReadToEnd();
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, stdout + stderr);
        Assert.Contains("\"check\": \"ok\"", stdout);
    }
}
