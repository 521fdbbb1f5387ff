using System.Diagnostics;
using BlockLora.Tests.Data;
using BlockLora.Training;

namespace BlockLora.Tests.Cli;

/// <summary><c>blora train</c> SIGKILLed mid-run and resumed leaves the metrics.csv an uninterrupted run writes.</summary>
[Collection(TrainingCollection.Name)]
public class TrainMetricsCliTests
{
    // One libtorch thread in every process, so the uninterrupted and the resumed runs compute in the same order.
    private static readonly Dictionary<string, string?> OneThread = new() { ["OMP_NUM_THREADS"] = "1", ["MKL_NUM_THREADS"] = "1" };

    private static string[] Args(string root, string results, params string[] more) =>
        ["train", "--model", Fixtures.ClipTiny("openai.safetensors"), "--data-root", root, "--dataset", TinyCoOpDataset.DatasetName, "--results", results,
         "--method", "block-lora", "--rank", "2", "--blocks", "2", "--shots", "2", "--iterations", "150", "--checkpoint-every", "10", "--log-every", "4",
         "--batch-size", "4", "--precision", "fp32", "--workers", "1", .. more];

    private static (int, double, double, double)[] Exact(IEnumerable<MetricsRow> rows) =>
        rows.Select(r => (r.Iteration, r.Loss, r.LearningRate, r.BatchAccuracy)).ToArray();

    private static string? Find(string results, string name) =>
        Directory.Exists(Path.Combine(results, "runs")) ? Directory.EnumerateFiles(Path.Combine(results, "runs"), name, SearchOption.AllDirectories).FirstOrDefault() : null;

    [Fact]
    public async Task A_sigkilled_and_resumed_run_logs_what_an_uninterrupted_run_logs()
    {
        var tiny = TinyCoOpDataset.Create(Fixtures.TempDir(), classes: 3, trainPerClass: 3, testPerClass: 2, seed: 51);
        string whole = Fixtures.TempDir();
        var uninterrupted = BloraProcess.RunWith(OneThread, Args(tiny.Root, whole));
        Assert.True(uninterrupted.ExitCode == 0, uninterrupted.Stderr);
        var expected = MetricsLog.Read(Find(whole, MetricsLog.FileName)!);
        Assert.Equal([.. Enumerable.Range(1, 37).Select(i => 4 * i), 150], expected.Select(r => r.Iteration));

        string killed = Fixtures.TempDir();
        using (var first = BloraProcess.Start(OneThread, Args(tiny.Root, killed)))
        {
            var output = first.StandardOutput.ReadToEndAsync();
            var errors = first.StandardError.ReadToEndAsync();
            var watch = Stopwatch.StartNew();
            // Killed once a checkpoint exists, usually with rows logged past it that the resumed run must drop.
            while (Find(killed, "checkpoint.safetensors") is null)
            {
                if (first.HasExited) Assert.Fail($"train ended (exit {first.ExitCode}) before it could be killed: {await output}{await errors}");
                Assert.True(watch.Elapsed < TimeSpan.FromMinutes(3), "no checkpoint within 3 minutes");
                await Task.Delay(20);
            }
            first.Kill(); // SIGKILL: no handler runs
            first.WaitForExit();
        }
        string metrics = Find(killed, MetricsLog.FileName)!;
        var before = MetricsLog.Read(metrics);
        Assert.NotEmpty(before);
        Assert.True(before[^1].Iteration < 150, "the killed run had finished");
        File.AppendAllText(metrics, $"{before[^1].Iteration + 4},0.5"); // and a torn last line, as a kill mid-write leaves

        var resumed = BloraProcess.RunWith(OneThread, Args(tiny.Root, killed, "--resume"));
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        Assert.Contains("resuming from iteration", resumed.Stdout);
        var rows = MetricsLog.ReadValid(metrics, out bool damaged);
        Assert.False(damaged);
        Assert.Equal(Exact(expected), Exact(rows));
    }
}
