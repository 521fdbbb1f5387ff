using System.Globalization;

namespace BlockLora.Experiments;

/// <summary>
/// Which slice of a sweep one process runs: shard <see cref="Index"/> of <see cref="Count"/> (0-based, as Slurm's array
/// task ids). The assignment is a function of the sweep alone — every run of the grid, longest first, goes to the least
/// loaded shard (ties: grid order, lowest shard) — so processes started at different times agree on it without talking,
/// a run always belongs to the same shard, and the shards' work differs by at most one run's length.
/// </summary>
public sealed record Shard(int Index, int Count)
{
    public const string SlurmTaskId = "SLURM_ARRAY_TASK_ID";
    public const string SlurmTaskCount = "SLURM_ARRAY_TASK_COUNT";
    public const string SlurmTaskMin = "SLURM_ARRAY_TASK_MIN";

    public static Shard Whole { get; } = new(0, 1);

    public override string ToString() => $"{Index}/{Count}";

    /// <summary>
    /// <c>i/N</c> (0 ≤ i &lt; N), or <c>slurm</c>: this array task's id and the array's task count. For a resubmission that
    /// names only some task ids (<c>--array=1,4</c>), the count comes from <paramref name="slurmShardCount"/> (the
    /// script passes the sweep's shard count), since SLURM_ARRAY_TASK_COUNT then counts the submitted tasks only.
    /// </summary>
    public static Shard Parse(string text, int? slurmShardCount = null, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        string t = text.Trim();
        if (t.Equals("slurm", StringComparison.OrdinalIgnoreCase))
        {
            string? id = environment(SlurmTaskId), count = environment(SlurmTaskCount);
            if (string.IsNullOrEmpty(id))
                throw new ArgumentException($"--shard slurm: {SlurmTaskId} is not set; this is not a Slurm array task (submit with --slurm FILE --submit, or give --shard i/N)");
            int index = ParseNonNegative(id, SlurmTaskId);
            int n = slurmShardCount ?? (string.IsNullOrEmpty(count) ? throw new ArgumentException($"--shard slurm: {SlurmTaskCount} is not set") : ParseNonNegative(count, SlurmTaskCount));
            return Checked(index, n, $"--shard slurm ({SlurmTaskId}={id}, shard count {n})");
        }
        var parts = t.Split('/');
        if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int i)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int c))
            throw new ArgumentException($"--shard '{text}': expected i/N with 0 <= i < N (e.g. 0/4), or slurm");
        return Checked(i, c, $"--shard '{text}'");
    }

    private static Shard Checked(int index, int count, string what)
    {
        if (count < 1) throw new ArgumentException($"{what}: the shard count must be at least 1");
        if (index >= count) throw new ArgumentException($"{what}: shard {index} is out of range 0-{count - 1}");
        return new Shard(index, count);
    }

    private static int ParseNonNegative(string s, string what) =>
        int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int v) ? v : throw new ArgumentException($"{what}='{s}' is not a non-negative integer");

    /// <summary>The shard of each run (same order as <paramref name="runs"/>) among <paramref name="count"/> shards.</summary>
    public static int[] Assign(IReadOnlyList<RunSpec> runs, int count)
    {
        if (count < 1) throw new ArgumentException($"the shard count must be at least 1, got {count}");
        var load = new long[count];
        var shardOf = new int[runs.Count];
        // Cost: optimizer steps (a zero-shot run still evaluates, so it costs one). OrderByDescending is stable: ties keep grid order.
        foreach (int run in Enumerable.Range(0, runs.Count).OrderByDescending(r => Math.Max(1, runs[r].Iterations)))
        {
            int lightest = 0;
            for (int s = 1; s < count; s++) if (load[s] < load[lightest]) lightest = s;
            shardOf[run] = lightest;
            load[lightest] += Math.Max(1, runs[run].Iterations);
        }
        return shardOf;
    }

    /// <summary>The runs of this shard, in grid order.</summary>
    public IReadOnlyList<T> Select<T>(IReadOnlyList<T> runs, Func<T, RunSpec> spec)
    {
        var shardOf = Assign(runs.Select(spec).ToArray(), Count);
        return runs.Where((_, i) => shardOf[i] == Index).ToArray();
    }
}
