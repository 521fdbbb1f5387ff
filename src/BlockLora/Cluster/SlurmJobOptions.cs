namespace BlockLora.Cluster;

/// <summary>
/// What a sweep's job array asks Slurm for, passed through to <c>#SBATCH</c> lines as given. Null leaves Slurm's (or the
/// cluster's) default, except <see cref="CpusPerTask"/>: it is always written, because it also sets each task's thread
/// count (<c>SLURM_CPUS_PER_TASK</c>), and array tasks sharing a node must not each take every core.
/// </summary>
public sealed record SlurmJobOptions
{
    public string JobName { get; init; } = "blora-sweep";
    public string? Partition { get; init; }
    /// <summary>e.g. <c>gpu:1</c>.</summary>
    public string? Gres { get; init; }
    /// <summary>Per task, in any Slurm time format (<c>04:00:00</c>, <c>1-00:00</c>).</summary>
    public string? Time { get; init; }
    public int CpusPerTask { get; init; } = 1;
    /// <summary>Per node, e.g. <c>16G</c>.</summary>
    public string? Mem { get; init; }
    /// <summary>At most this many tasks at once (the <c>%K</c> of <c>--array</c>); null: no limit.</summary>
    public int? MaxParallel { get; init; }

    public void Validate()
    {
        if (CpusPerTask < 1) throw new ArgumentException($"--cpus-per-task must be positive, got {CpusPerTask}");
        if (MaxParallel is < 1) throw new ArgumentException($"--max-parallel must be positive, got {MaxParallel}");
        foreach (var (name, value) in new[] { ("--job-name", JobName), ("--partition", Partition), ("--gres", Gres), ("--time", Time), ("--mem", Mem) })
            if (value is not null && (value.Length == 0 || value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))))
                throw new ArgumentException($"{name} '{value}' must be one word");
    }
}
