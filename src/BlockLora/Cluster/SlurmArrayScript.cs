using System.Text;

namespace BlockLora.Cluster;

/// <summary>
/// The sbatch script of a sweep: one array task per shard (<c>--array=0-(N-1)%K</c>, or the listed shards of a
/// resubmission), logs named <c>%A_%a</c> (array job id, task id), the submitting folder as working directory (so the
/// command's relative paths mean what they meant), and the blora command each task runs with <c>--shard slurm</c>.
/// </summary>
public static class SlurmArrayScript
{
    /// <param name="command">The task's command line, program first (e.g. dotnet, blora.dll, sweep, ...).</param>
    /// <param name="shards">The shard indices to submit (all of 0..N-1 the first time; the unfinished ones afterwards).</param>
    public static string Format(IReadOnlyList<string> command, IReadOnlyList<int> shards, int shardCount, string logDir, string workingDir, SlurmJobOptions options)
    {
        options.Validate();
        if (shards.Count == 0) throw new ArgumentException("no shards to submit");
        var text = new StringBuilder();
        text.Append("#!/bin/bash\n");
        text.Append($"# Written by blora sweep --slurm: {shards.Count} of the sweep's {shardCount} shards, one array task each.\n");
        text.Append("# Submit with sbatch, or rerun the blora command with --submit (it resubmits only unfinished shards);\n");
        text.Append("# --status with the same arguments shows every run and shard.\n");
        text.Append($"#SBATCH --job-name={options.JobName}\n");
        text.Append($"#SBATCH --array={ArraySpec(shards)}{(options.MaxParallel is { } k ? $"%{k}" : "")}\n");
        text.Append($"#SBATCH --output={Path.Combine(logDir, "%A_%a.out")}\n");
        text.Append($"#SBATCH --chdir={workingDir}\n");
        text.Append($"#SBATCH --cpus-per-task={options.CpusPerTask}\n");
        if (options.Partition is { } partition) text.Append($"#SBATCH --partition={partition}\n");
        if (options.Gres is { } gres) text.Append($"#SBATCH --gres={gres}\n");
        if (options.Time is { } time) text.Append($"#SBATCH --time={time}\n");
        if (options.Mem is { } mem) text.Append($"#SBATCH --mem={mem}\n");
        text.Append("set -euo pipefail\n");
        text.Append("exec ").Append(string.Join(" ", command.Select(Quote))).Append('\n');
        return text.ToString();
    }

    /// <summary><c>0-3</c> for a contiguous run of shards, else <c>1,4,5</c>.</summary>
    public static string ArraySpec(IReadOnlyList<int> shards)
    {
        var sorted = shards.Distinct().Order().ToArray();
        bool contiguous = sorted[^1] - sorted[0] == sorted.Length - 1;
        return contiguous && sorted.Length > 1 ? $"{sorted[0]}-{sorted[^1]}" : string.Join(",", sorted);
    }

    /// <summary>Single-quotes a word for bash (a quote inside becomes '\'').</summary>
    public static string Quote(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/' or ':' or '=' or ',' or '@' or '+')
            ? word
            : "'" + word.Replace("'", "'\\''") + "'";
}
