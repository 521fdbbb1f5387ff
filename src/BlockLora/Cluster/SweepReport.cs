using BlockLora.Experiments;

namespace BlockLora.Cluster;

/// <summary>
/// What <c>blora sweep --dry-run</c> and <c>--status</c> print: every run (or one shard's) with its id, shard and state,
/// and with <c>perShard</c> the counts per shard next to the Slurm tasks still queued.
/// </summary>
public static class SweepReport
{
    /// <param name="shardCount"><c>--shards</c>; without it the last submission's count, else 1.</param>
    /// <param name="only">The shard whose runs to list (<c>--shard i/N</c>, whose N is then the shard count); null lists every run.</param>
    /// <param name="say">Where each line goes, as it is made.</param>
    public static void Print(SweepConfig config, int? shardCount, Shard? only, bool perShard, Action<string> say)
    {
        var runs = config.Runs();
        var submissions = SlurmSubmissions.For(config.ResultsDir, SweepStatus.IdOf(runs)).ReadAll();
        int n = only?.Count ?? shardCount ?? submissions.LastOrDefault()?.ShardCount ?? 1;
        var status = SweepStatus.Of(runs, config.ResultsDir, n);
        var listed = only is null ? status.Runs : status.Runs.Where(r => r.Shard == only.Index).ToArray();
        say($"sweep {status.SweepId}: {status.Totals}{(n > 1 ? $" in {n} shards" : "")}; results under {config.ResultsDir}");
        if (only is not null) say($"shard {only}: {listed.Count} of the {status.Runs.Count} runs");
        say($"  {"run id",-12}  {"shard",5}  {"state",-7}  run");
        foreach (var run in listed)
            say($"  {run.Run.Identity.ShortId}  {run.Shard,5}  {State(run.State),-7}  {run.Run.Label}{(run.Detail.Length > 0 ? $"  [{run.Detail}]" : "")}");
        if (!perShard) return;
        var queued = Queued(submissions);
        say($"  {"shard",5}  {"done",4}  {"running",7}  {"failed",6}  {"pending",7}  slurm");
        foreach (var group in listed.GroupBy(s => s.Shard).OrderBy(g => g.Key))
        {
            string slurm = string.Join(", ", queued.Where(q => q.TaskId == group.Key).Select(q => $"{q.JobId}_{q.TaskId} {q.State.ToLowerInvariant()}"));
            say($"  {group.Key,5}  {group.Count(s => s.State == RunState.Done),4}  {group.Count(s => s.State == RunState.Running),7}  "
                + $"{group.Count(s => s.State == RunState.Failed),6}  {group.Count(s => s.State == RunState.Pending),7}  {(slurm.Length > 0 ? slurm : "-")}");
        }
        if (submissions.Count > 0)
            say($"  slurm jobs: {string.Join(", ", submissions.Select(s => $"{s.JobId} (shards {SlurmArrayScript.ArraySpec(s.Shards)} of {s.ShardCount}, {s.Submitted:yyyy-MM-dd HH:mm})"))}; logs in {SlurmSubmissions.For(config.ResultsDir, status.SweepId).LogDir}");
    }

    /// <summary>The queued or running tasks of the sweep's submitted arrays (none asked when nothing was submitted).</summary>
    public static IReadOnlyList<SlurmClient.QueuedTask> Queued(IReadOnlyList<SlurmSubmissions.Submission> submissions) =>
        submissions.Count == 0 ? [] : SlurmClient.Queued(submissions.Select(s => s.JobId).ToArray());

    private static string State(RunState state) => state.ToString().ToLowerInvariant();
}
