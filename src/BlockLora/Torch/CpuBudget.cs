using System.Globalization;

namespace BlockLora.Torch;

/// <summary>
/// How many threads a process may compute with. Slurm array tasks share nodes, and libtorch's default (every core of
/// the node) oversubscribes them: two 2-thread processes on 2 busy cores ran about 30× slower here than one-thread
/// ones. So the budget is the first of: an explicit count, <c>SLURM_CPUS_PER_TASK</c>, the cores in this process's
/// affinity mask (what <c>taskset</c>, cgroups' cpusets and Slurm's task binding allow), never the node's core count.
/// </summary>
public static class CpuBudget
{
    public const string SlurmCpusPerTask = "SLURM_CPUS_PER_TASK";

    /// <summary>The cores this process may run on: its affinity mask (<c>Cpus_allowed_list</c>), else the runtime's count.</summary>
    public static int Cores()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
                if (line.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal))
                    return Math.Max(1, CountCpuList(line["Cpus_allowed_list:".Length..].Trim()));
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return Math.Max(1, Environment.ProcessorCount);
    }

    /// <summary>The thread count to use and where it came from (for the log line a sweep prints).</summary>
    public static (int Threads, string Source) Resolve(int? requested)
    {
        if (requested is { } n)
            return n > 0 ? (n, "--threads") : throw new ArgumentException($"--threads must be positive, got {n}");
        if (Environment.GetEnvironmentVariable(SlurmCpusPerTask) is { Length: > 0 } slurm)
            return int.TryParse(slurm, NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) && s > 0 ? (s, SlurmCpusPerTask)
                : throw new ArgumentException($"{SlurmCpusPerTask}='{slurm}' is not a positive integer");
        return (Cores(), "affinity mask");
    }

    /// <summary>Sets libtorch's intra-op threads to the budget and returns it.</summary>
    public static (int Threads, string Source) Apply(int? requested)
    {
        var budget = Resolve(requested);
        TorchSharp.torch.set_num_threads(budget.Threads);
        return budget;
    }

    /// <summary>Counts a kernel CPU list such as <c>0-3,8,10-11</c>.</summary>
    public static int CountCpuList(string list)
    {
        int count = 0;
        foreach (var part in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var range = part.Split('-');
            int first = int.Parse(range[0], CultureInfo.InvariantCulture);
            int last = range.Length > 1 ? int.Parse(range[1], CultureInfo.InvariantCulture) : first;
            count += last - first + 1;
        }
        return count;
    }
}
