using System.Text.Json;
using BlockLora.Tests.Cli;

namespace BlockLora.Workbook.Tests.Cli;

/// <summary><c>blora doctor</c> on the CPU: every check named and passed, exit 0; JSON; a bad device is a one-line error.</summary>
public class DoctorCliTests
{
    private static readonly string[] CpuChecks =
        ["fixture parity fp32", "training step", "gradients", "merge/unmerge", "throughput fp32"];

    [Fact]
    public void Doctor_exits_0_on_the_cpu_and_names_each_check()
    {
        var run = BloraProcess.Run("doctor", "--device", "cpu");
        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        foreach (string fact in new[] { "build ", "device ", "precision auto ", "cpu bf16 ", "cuda ", "TorchSharp ", "libtorch " })
            Assert.Contains(fact, run.Stdout);
        Assert.Contains(run.Stdout.Split('\n'), l => l.StartsWith("loaded", StringComparison.Ordinal) && l.Contains("libtorch", StringComparison.Ordinal));
        var checkLines = run.Stdout.Split('\n').Where(l => l.StartsWith("PASS", StringComparison.Ordinal) || l.StartsWith("FAIL", StringComparison.Ordinal)).ToArray();
        foreach (string check in CpuChecks)
            Assert.Contains(checkLines, l => l.StartsWith("PASS", StringComparison.Ordinal) && l.Contains(check, StringComparison.Ordinal) && l.Contains("(expected ", StringComparison.Ordinal));
        Assert.DoesNotContain(checkLines, l => l.StartsWith("FAIL", StringComparison.Ordinal));
        Assert.Contains($"doctor: all {checkLines.Length} checks passed", run.Stdout);
    }

    [Fact]
    public void Json_lists_the_facts_and_each_check_with_expected_and_measured_values()
    {
        var run = BloraProcess.Run("doctor", "--device", "cpu", "--precision", "fp32", "--json");
        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        using var json = JsonDocument.Parse(run.Stdout);
        Assert.True(json.RootElement.GetProperty("passed").GetBoolean());
        var checks = json.RootElement.GetProperty("checks").EnumerateArray().ToArray();
        // fp32 asked: no second parity or throughput row at a half precision.
        Assert.All(checks, c => Assert.False(string.IsNullOrEmpty(c.GetProperty("expected").GetString())));
        Assert.Equal(["fixture parity fp32", "training step fp32", "gradients", "merge/unmerge", "throughput fp32"], checks.Select(c => c.GetProperty("name").GetString()));
        Assert.Contains(json.RootElement.GetProperty("facts").EnumerateArray(), f => f.GetProperty("name").GetString() == "precision auto");
    }

    [Theory]
    [InlineData("--device", "gpu", "unknown device 'gpu'")]
    [InlineData("--precision", "fp8", "unknown precision 'fp8'")]
    public void Bad_options_are_one_line_errors(string option, string value, string message)
    {
        var run = BloraProcess.Run("doctor", option, value);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Stderr);
        Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("PASS", run.Stdout);
    }
}
