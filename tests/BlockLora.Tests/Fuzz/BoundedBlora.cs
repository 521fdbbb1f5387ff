using System.Diagnostics;
using BlockLora.Tests.Cli;

namespace BlockLora.Tests.Fuzz;

/// <summary>
/// Runs the built <c>blora</c> with a wall-clock limit and an address-space limit, and measures its peak resident memory.
/// <para>
/// Memory is bounded by the kernel, not by hope: the child runs under <c>prlimit --as</c> (util-linux, part of every
/// Debian base system), so an allocation a hostile length field asks for fails at once instead of taking the machine's
/// memory, and shows up as an error the caller can see. 8 GiB leaves room for what the .NET runtime and libtorch reserve
/// without using (they start under 4 GiB and fail under 3 GiB) and is still far below any size a corrupt header claims.
/// </para>
/// <para>
/// Memory is measured from <c>/proc/&lt;pid&gt;/status</c>'s VmHWM, the kernel's own high-water mark of resident memory,
/// polled every few milliseconds while the process runs. Because it is a high-water mark, polling misses nothing that
/// happened before the last reading; only growth in the final milliseconds before exit can go unseen, and memory that
/// matters takes far longer than that to touch.
/// </para>
/// </summary>
internal static class BoundedBlora
{
    public const long AddressSpaceLimit = 8L << 30;

    /// <param name="CpuTime">User + system time of the process as last seen while it ran: what it costs on a quiet machine, whatever else the test machine is doing.</param>
    public sealed record Result(int ExitCode, string Stdout, string Stderr, bool TimedOut, long PeakResidentBytes, TimeSpan Elapsed, TimeSpan CpuTime);

    /// <summary>Where util-linux's prlimit is, or null (then only the resident peak is measured).</summary>
    public static string? Prlimit { get; } = new[] { "/usr/bin/prlimit", "/bin/prlimit" }.FirstOrDefault(File.Exists);

    public static Result Run(TimeSpan timeout, params string[] args)
    {
        var info = new ProcessStartInfo(Prlimit ?? "dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Prlimit is not null)
        {
            info.ArgumentList.Add($"--as={AddressSpaceLimit}");
            info.ArgumentList.Add("--");
            info.ArgumentList.Add("dotnet");
        }
        info.ArgumentList.Add(BloraProcess.Dll);
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment.Remove("BLORA_DEBUG");

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        long peakKb = 0, cpuTicks = 0;
        // prlimit execs dotnet in its own process, so this pid is blora's from the exec on.
        var poller = new Thread(() =>
        {
            while (!process.HasExited)
            {
                peakKb = Math.Max(peakKb, HighWaterMarkKb(process.Id));
                cpuTicks = Math.Max(cpuTicks, CpuTicks(process.Id));
                Thread.Sleep(5);
            }
        }) { IsBackground = true };
        poller.Start();

        bool timedOut = !process.WaitForExit(timeout);
        if (timedOut)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
        poller.Join();
        clock.Stop();
        return new Result(process.ExitCode, stdout.Result, stderr.Result, timedOut, peakKb * 1024, clock.Elapsed, TimeSpan.FromSeconds(cpuTicks / 100.0));
    }

    private static long HighWaterMarkKb(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            // The process exited between the check and the read: its last reading stands.
        }
        return 0;
    }

    /// <summary>utime + stime from /proc/&lt;pid&gt;/stat, in the kernel's clock ticks (USER_HZ, 100 a second on Linux).</summary>
    private static long CpuTicks(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after the parenthesised command name start at the state (field 3); utime and stime are fields 14 and 15.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[11]) + long.Parse(fields[12]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return 0;
        }
    }
}
