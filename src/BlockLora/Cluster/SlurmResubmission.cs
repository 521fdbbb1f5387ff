using BlockLora.Experiments;
using BlockLora.IO;

namespace BlockLora.Cluster;

/// <summary>
/// <c>blora sweep --slurm FILE [--submit]</c>: the array script for the shards that still have pending or failed runs
/// (less those a previous submission still has queued or running, when submitting), written and optionally submitted.
/// Rerunning it resubmits only what is unfinished.
/// </summary>
public static class SlurmResubmission
{
    /// <param name="taskCommand">The command each array task runs (this sweep with <c>--shard slurm --shards N</c>).</param>
    /// <param name="say">Where each line goes, as it is made: a failed sbatch still leaves the lines before it.</param>
    public static void Run(SweepConfig config, int shardCount, string scriptPath, SlurmJobOptions job, bool submit, IReadOnlyList<string> taskCommand, Action<string> say)
    {
        if (submit) SlurmClient.Require("sbatch");
        var status = SweepStatus.Of(config, shardCount);
        var submissions = SlurmSubmissions.For(config.ResultsDir, status.SweepId);
        var active = submit ? SweepReport.Queued(submissions.ReadAll()).Select(q => q.TaskId).ToHashSet() : [];
        var shards = status.UnfinishedShards().Where(s => !active.Contains(s)).ToArray();
        say($"sweep {status.SweepId}: {status.Totals} in {shardCount} shards");
        if (shards.Length == 0)
        {
            say(active.Count > 0 ? $"nothing to submit: the unfinished shards ({string.Join(",", active.Order())}) are still queued or running" : "nothing to submit: every run is done or running");
            return;
        }
        Directory.CreateDirectory(submissions.LogDir);
        AtomicFile.WriteAllText(scriptPath, SlurmArrayScript.Format(taskCommand, shards, shardCount, Path.GetFullPath(submissions.LogDir), Directory.GetCurrentDirectory(), job));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(scriptPath, File.GetUnixFileMode(scriptPath) | UnixFileMode.UserExecute);
        say($"wrote {scriptPath}: shards {SlurmArrayScript.ArraySpec(shards)} of {shardCount}, logs in {submissions.LogDir}/%A_%a.out");
        if (!submit) return;
        string jobId = SlurmClient.Submit(scriptPath);
        submissions.Add(new SlurmSubmissions.Submission(jobId, shardCount, shards, DateTimeOffset.UtcNow));
        say($"submitted job {jobId} (array {SlurmArrayScript.ArraySpec(shards)}); follow it with the same command and --status");
    }
}
