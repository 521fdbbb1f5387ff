using System.Security.Cryptography;
using System.Text;

namespace BlockLora.Experiments;

/// <summary>Where one run of a sweep stands.</summary>
public enum RunState
{
    /// <summary>Its row is in the results folder.</summary>
    Done,
    /// <summary>A live process holds its claim.</summary>
    Running,
    /// <summary>Its last attempt failed or its process died (a rerun retries it, resuming from its checkpoint).</summary>
    Failed,
    /// <summary>Not started.</summary>
    Pending,
}

/// <summary>One run's state, its shard and a detail (who runs it, why it failed, whether a checkpoint waits).</summary>
public sealed record RunStatus(SweepConfig.Run Run, int Shard, RunState State, string Detail);

/// <summary>
/// Every run of a sweep with its shard and state, read from the results folder and the run folders' claims: what
/// <c>blora sweep --dry-run</c> and <c>--status</c> print and what a resubmission uses to pick the unfinished shards.
/// </summary>
public sealed record SweepStatus(string SweepId, int ShardCount, IReadOnlyList<RunStatus> Runs)
{
    public static SweepStatus Of(SweepConfig config, int shardCount) => Of(config.Runs(), config.ResultsDir, shardCount);

    /// <summary>The status of runs already expanded (<see cref="SweepConfig.Runs"/>), for a caller that needs them too.</summary>
    public static SweepStatus Of(IReadOnlyList<SweepConfig.Run> runs, string resultsDir, int shardCount)
    {
        var shardOf = Shard.Assign(runs.Select(r => r.Spec).ToArray(), shardCount);
        var finished = FinishedRuns.In(resultsDir);
        var now = DateTimeOffset.UtcNow;
        var statuses = runs.Select((run, i) =>
        {
            if (finished.Contains(run.Identity.Id)) return new RunStatus(run, shardOf[i], RunState.Done, "");
            var claim = RunClaim.Read(run.Spec.RunFolder);
            bool checkpoint = File.Exists(Path.Combine(run.Spec.RunFolder, "checkpoint.safetensors"));
            string resumes = checkpoint ? "; resumes from its checkpoint" : "";
            if (claim is null) return new RunStatus(run, shardOf[i], RunState.Pending, checkpoint ? "checkpoint present" : "");
            if (claim.IsLive(now)) return new RunStatus(run, shardOf[i], RunState.Running, $"{claim.Owner} on {claim.Host} (pid {claim.Pid})");
            string why = claim.State == RunClaim.Failed ? claim.Error : $"process {claim.Pid} on {claim.Host} is gone";
            return new RunStatus(run, shardOf[i], RunState.Failed, why + resumes);
        }).ToArray();
        return new SweepStatus(IdOf(runs), shardCount, statuses);
    }

    /// <summary>The first 12 hex digits of the SHA-256 of the sorted run ids: the same grid always has the same id.</summary>
    public static string IdOf(IEnumerable<SweepConfig.Run> runs) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n", runs.Select(r => r.Identity.Id).Order(StringComparer.Ordinal)))))[..12].ToLowerInvariant();

    public int Count(RunState state) => Runs.Count(r => r.State == state);

    /// <summary>Shards with a pending or failed run: what a resubmission submits (less those Slurm still has queued).</summary>
    public IReadOnlyList<int> UnfinishedShards() =>
        Runs.Where(r => r.State is RunState.Pending or RunState.Failed).Select(r => r.Shard).Distinct().Order().ToArray();

    /// <summary><c>12 runs: 4 done, 1 running, 0 failed, 7 pending</c>.</summary>
    public string Totals =>
        $"{Runs.Count} runs: {Count(RunState.Done)} done, {Count(RunState.Running)} running, {Count(RunState.Failed)} failed, {Count(RunState.Pending)} pending";
}
