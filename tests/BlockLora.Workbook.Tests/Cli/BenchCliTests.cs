using BlockLora.Tests;
using BlockLora.Tests.Cli;

namespace BlockLora.Workbook.Tests.Cli;

/// <summary><c>blora bench</c> from the command line: a tiny run writes its files; bad options are one-line errors.</summary>
public class BenchCliTests
{
    [Fact]
    public void A_tiny_bench_writes_csv_markdown_and_chart()
    {
        string output = Fixtures.TempDir();
        var run = BloraProcess.Run("bench", "--model", Fixtures.ClipTiny("openai.safetensors"), "--no-twin", "--reps", "1", "--warmup", "0",
            "--batch", "2", "--classes", "3", "--only", "train,eval", "--output", output);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("| case |", run.Stdout);
        Assert.Contains("--no-twin", run.Stdout);
        foreach (var file in new[] { "bench.csv", "bench.md", "bench.html" }) Assert.True(File.Exists(Path.Combine(output, file)), file);
    }

    [Theory]
    [InlineData("--blocks", "1", "n = 1 is LoRA")]
    [InlineData("--only", "nonsense", "matches no case")]
    [InlineData("--omp-wait-policy", "sometimes", "PASSIVE or ACTIVE")]
    public void Bad_options_are_one_line_errors(string option, string value, string message)
    {
        var run = BloraProcess.Run("bench", option, value, "--no-twin");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Stderr);
        Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("blora:", StringComparison.Ordinal));
    }
}
