using System.Diagnostics;
using System.Text.RegularExpressions;
using BlockLora.Experiments;
using BlockLora.Results;
using BlockLora.Tests.Cli;
using Xunit.Abstractions;

namespace BlockLora.Tests.Experiments;

/// <summary>
/// A sweep as a Slurm job array on a real one-node cluster started by the test (<see cref="LocalSlurmCluster"/>): the same
/// rows, ids included, as the same sweep run locally; every run exactly once; and after a scancel mid-run, a resubmission
/// of the same command runs only what was unfinished, the interrupted run resuming from its checkpoint.
/// </summary>
[Collection(SlurmCollection.Name)]
public partial class SlurmSweepTests(ITestOutputHelper output)
{
    [GeneratedRegex(@"\] run ([0-9a-f]{12}) ")]
    private static partial Regex RunStart();

    [SlurmFact]
    public void A_sweep_runs_as_a_job_array_like_it_runs_locally_and_a_cancelled_task_is_resubmitted_alone()
    {
        var watch = Stopwatch.StartNew();
        using var cluster = LocalSlurmCluster.Start();
        var env = cluster.Environment.ToDictionary(p => p.Key, p => (string?)p.Value);

        // 1. The grid (targets x lr x two datasets) locally, then as a 3-task array: the same rows, ids included.
        var sweep = SweepFixture.Create(iterations: 6, checkpointEvery: 2);
        string local = Fixtures.TempDir(), onSlurm = Fixtures.TempDir();
        var localRun = BloraProcess.Run(sweep.Args(local, "--threads", "1", "--workers", "1"));
        Assert.True(localRun.ExitCode == 0, localRun.Stderr);
        string script = Path.Combine(onSlurm, "sweep.sbatch");
        var submit = BloraProcess.RunWith(env, sweep.Args(onSlurm, "--slurm", script, "--shards", "3", "--submit", "--workers", "1"));
        Assert.True(submit.ExitCode == 0, submit.Stdout + submit.Stderr);
        string jobId = JobId(submit.Stdout);
        Assert.Contains("#SBATCH --array=0-2", File.ReadAllText(script));
        cluster.WaitUntilIdle(TimeSpan.FromMinutes(5));

        var localRows = ResultsFolder.In(local).ReadAll();
        var slurmRows = ResultsFolder.In(onSlurm).ReadAll();
        Assert.Equal(SweepFixture.Runs, localRows.Count);
        Assert.Equal(SweepFixture.Runs, slurmRows.Count); // every grid point exactly once ...
        Assert.Equal(localRows.Select(r => r.RunId).Order(), slurmRows.Select(r => r.RunId).Order()); // ... with the local ids
        foreach (var row in slurmRows) Assert.Equal(localRows.Single(l => l.RunId == row.RunId).Accuracy, row.Accuracy, 6);
        var logs = Enumerable.Range(0, 3).Select(task => Path.Combine(SlurmLogDir(onSlurm), $"{jobId}_{task}.out")).ToArray();
        Assert.All(logs, log => Assert.True(File.Exists(log), $"no log {log}"));
        var starts = logs.SelectMany(log => RunStart().Matches(File.ReadAllText(log)).Select(m => m.Groups[1].Value)).ToArray();
        Assert.Equal(SweepFixture.Runs, starts.Length); // no run ran twice
        Assert.Equal(SweepFixture.Runs, starts.Distinct().Count());
        var status = BloraProcess.RunWith(env, sweep.Args(onSlurm, "--status"));
        output.WriteLine(status.Stdout);
        Assert.Contains($"{SweepFixture.Runs} runs: {SweepFixture.Runs} done, 0 running, 0 failed, 0 pending in 3 shards", status.Stdout);
        var again = BloraProcess.RunWith(env, sweep.Args(onSlurm, "--slurm", script, "--shards", "3", "--submit", "--workers", "1"));
        Assert.Contains("nothing to submit", again.Stdout);

        // 2. Longer runs (one dataset, 6 runs of 300 steps): scancel the task of a run mid-training, resubmit the same command.
        var longSweep = SweepFixture.Create(iterations: 300, checkpointEvery: 10);
        string results = Fixtures.TempDir();
        string longScript = Path.Combine(results, "long.sbatch");
        string[] submitArgs = longSweep.ArgsFor([SweepFixture.Datasets[0]], results, "--slurm", longScript, "--shards", "3", "--submit", "--workers", "1");
        var first = BloraProcess.RunWith(env, submitArgs);
        Assert.True(first.ExitCode == 0, first.Stdout + first.Stderr);
        string firstJob = JobId(first.Stdout);
        var (runFolder, shard) = WaitForRunMidTraining(results, TimeSpan.FromMinutes(3));
        var (cancelExit, cancelOutput) = cluster.Run("scancel", $"{firstJob}_{shard}");
        Assert.True(cancelExit == 0, cancelOutput);
        cluster.WaitUntilIdle(TimeSpan.FromMinutes(5));

        var before = ResultsFolder.In(results).ReadAll().Select(r => r.RunId).ToHashSet();
        var interrupted = BloraProcess.RunWith(env, longSweep.ArgsFor([SweepFixture.Datasets[0]], results, "--status"));
        output.WriteLine(interrupted.Stdout);
        Assert.Contains("resumes from its checkpoint", interrupted.Stdout);
        var resubmit = BloraProcess.RunWith(env, submitArgs);
        Assert.True(resubmit.ExitCode == 0, resubmit.Stdout + resubmit.Stderr);
        string secondJob = JobId(resubmit.Stdout);
        Assert.Contains($"(array {shard})", resubmit.Stdout); // only the cancelled shard
        cluster.WaitUntilIdle(TimeSpan.FromMinutes(5));

        var rows = ResultsFolder.In(results).ReadAll();
        Assert.Equal(6, rows.Count);
        Assert.Equal(6, rows.Select(r => r.RunId).Distinct().Count());
        string secondLog = File.ReadAllText(Path.Combine(SlurmLogDir(results), $"{secondJob}_{shard}.out"));
        var rerun = RunStart().Matches(secondLog).Select(m => m.Groups[1].Value).ToArray();
        Assert.NotEmpty(rerun);
        Assert.All(rerun, id => Assert.DoesNotContain(before, done => done.StartsWith(id, StringComparison.Ordinal))); // only unfinished runs ran again
        Assert.Equal(6 - before.Count, rerun.Length);
        Assert.Contains($"resuming from iteration", secondLog);
        Assert.Contains(Path.Combine(runFolder, "checkpoint.safetensors"), secondLog);
        Assert.Single(Directory.GetFiles(SlurmLogDir(results), $"{secondJob}_*.out"));
        output.WriteLine(BloraProcess.RunWith(env, longSweep.ArgsFor([SweepFixture.Datasets[0]], results, "--status")).Stdout);
        output.WriteLine($"Slurm sweep test: {watch.Elapsed.TotalSeconds:F0} s");
        TestTimings.Report($"Slurm job-array sweep test (cluster start, local + 3-task array, scancel, resubmit): {watch.Elapsed.TotalSeconds:F0} s");
    }

    private static string JobId(string stdout) => Regex.Match(stdout, @"submitted job ([0-9]+)") is { Success: true } m ? m.Groups[1].Value
        : throw new Xunit.Sdk.XunitException($"no job id in: {stdout}");

    private static string SlurmLogDir(string results) => Directory.GetDirectories(Path.Combine(results, "slurm")).Single();

    /// <summary>A run folder with a checkpoint, a live claim and no row yet: a run in the middle of training, and its shard.</summary>
    private static (string RunFolder, int Shard) WaitForRunMidTraining(string results, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            if (Directory.Exists(Path.Combine(results, "runs")))
                foreach (var checkpoint in Directory.EnumerateFiles(Path.Combine(results, "runs"), "checkpoint.safetensors", SearchOption.AllDirectories))
                {
                    string folder = Path.GetDirectoryName(checkpoint)!;
                    if (RunClaim.Read(folder) is { } claim && claim.IsLive(DateTimeOffset.UtcNow) && !File.Exists(Path.Combine(folder, "adapter.safetensors")))
                        return (folder, Shard.Parse(claim.Owner["shard ".Length..]).Index);
                }
            Thread.Sleep(100);
        }
        throw new TimeoutException($"no run in the middle of training under {results} within {timeout}");
    }
}
