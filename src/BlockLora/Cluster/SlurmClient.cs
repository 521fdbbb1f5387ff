using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace BlockLora.Cluster;

/// <summary>The Slurm commands a sweep uses (sbatch, squeue), run as processes; a missing command is one clear error.</summary>
public static class SlurmClient
{
    /// <summary>Throws the one-line "not installed" error unless <paramref name="program"/> is on PATH.</summary>
    public static void Require(string program)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        if (!path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Any(dir => File.Exists(Path.Combine(dir, program))))
            throw new InvalidOperationException(NotFound(program));
    }

    private static string NotFound(string program) =>
        $"{program} not found: Slurm's client commands are not installed or not on PATH (Debian: apt-get install slurm-client)";

    /// <summary>Submits a script; returns the job id (<c>sbatch --parsable</c>).</summary>
    public static string Submit(string scriptPath)
    {
        var (code, stdout, stderr) = Run("sbatch", "--parsable", scriptPath);
        if (code != 0) throw new InvalidOperationException($"sbatch {scriptPath} failed (exit {code}): {OneLine(stderr.Length > 0 ? stderr : stdout)}");
        // --parsable prints "jobid" or "jobid;cluster".
        return stdout.Trim().Split(';')[0];
    }

    /// <summary>One array task Slurm still has (pending or running): array job id, task id and state.</summary>
    public sealed record QueuedTask(string JobId, int TaskId, string State);

    /// <summary>The array tasks of <paramref name="jobIds"/> still in the queue (finished jobs are not listed).</summary>
    public static IReadOnlyList<QueuedTask> Queued(IReadOnlyCollection<string> jobIds)
    {
        if (jobIds.Count == 0) return [];
        // -r lists each array task on its own line; %F is the array job id, %K the task id, %T the state.
        var (code, stdout, stderr) = Run("squeue", "-h", "-r", "-j", string.Join(",", jobIds), "-o", "%F %K %T");
        if (code != 0)
        {
            // squeue exits 1 with "Invalid job id specified" once every listed job has left the queue.
            if (stderr.Contains("Invalid job id", StringComparison.OrdinalIgnoreCase)) return [];
            throw new InvalidOperationException($"squeue failed (exit {code}): {OneLine(stderr)}");
        }
        var tasks = new List<QueuedTask>();
        foreach (var line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length == 3 && int.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out int task)) tasks.Add(new QueuedTask(f[0], task, f[2]));
        }
        return tasks;
    }

    private static (int Code, string Stdout, string Stderr) Run(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException($"{program} did not start");
        }
        catch (Win32Exception)
        {
            throw new InvalidOperationException(NotFound(program));
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
            {
                process.Kill(true);
                throw new InvalidOperationException($"{program} did not answer within 2 minutes (is slurmctld reachable?)");
            }
            return (process.ExitCode, stdout.Result, stderr.Result);
        }
    }

    private static string OneLine(string s) => string.Join(" ", s.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
