namespace BlockLora.Experiments;

/// <summary>
/// How one process takes part in a sweep, none of which changes a result: its <see cref="Shard"/>, the store it writes
/// (its own file under <c>shards/</c> when sharded, so no lock has to span machines), and a hook at each run's start.
/// </summary>
public sealed record SweepProcess
{
    public Shard Shard { get; init; } = Shard.Whole;
    /// <summary>Name of this process's own store (<c>shards/NAME.csv</c>); null writes the shared <c>results.csv</c> under its lock.</summary>
    public string? StoreName { get; init; }
    /// <summary>Called before each run this process starts (after its claim is taken).</summary>
    public Action<RunSpec>? OnRunStart { get; init; }

    /// <summary>
    /// The process a <c>--shard</c> text asks for (null: the whole sweep, writing the shared store); <paramref name="shardCount"/>
    /// is <c>--shards</c>, which <c>slurm</c> takes its count from and an <c>i/N</c> must agree with.
    /// </summary>
    public static SweepProcess For(string? shardText, int? shardCount)
    {
        if (shardText is null) return new SweepProcess();
        var shard = Shard.Parse(shardText, shardText.Trim().Equals("slurm", StringComparison.OrdinalIgnoreCase) ? shardCount : null);
        if (shardCount is { } n && n != shard.Count) throw new ArgumentException($"--shard {shardText} has {shard.Count} shards but --shards says {n}");
        return new SweepProcess { Shard = shard, StoreName = DefaultStoreName(shard) };
    }

    /// <summary>A sharded process's store name: its Slurm task (when it is one), host and pid, e.g. <c>slurm-812_2-node07-4411</c>.</summary>
    public static string DefaultStoreName(Shard shard)
    {
        string? job = Environment.GetEnvironmentVariable("SLURM_ARRAY_JOB_ID");
        string? task = Environment.GetEnvironmentVariable(Shard.SlurmTaskId);
        string prefix = job is { Length: > 0 } && task is { Length: > 0 } ? $"slurm-{job}_{task}" : $"shard-{shard.Index}of{shard.Count}";
        return $"{prefix}-{Environment.MachineName}-{Environment.ProcessId}";
    }
}
