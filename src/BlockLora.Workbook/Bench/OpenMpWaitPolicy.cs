using System.Runtime.InteropServices;

namespace BlockLora.Workbook.Bench;

/// <summary>
/// Gives this process the same OpenMP wait policy as the twin. libgomp reads <c>OMP_WAIT_POLICY</c> once,
/// when libtorch loads it, and .NET's <see cref="Environment.SetEnvironmentVariable(string, string)"/> does
/// not reach native code on Unix, so the variable is set with libc's <c>setenv</c> before TorchSharp first
/// touches libtorch. With the default (spin, then sleep) policy, an OpenMP thread that waits at a barrier
/// for a descheduled partner burns its time slice: on a small, shared machine that multiplies the cost of
/// every short parallel op, and the twin (PASSIVE) would be compared under different rules.
/// </summary>
public static class OpenMpWaitPolicy
{
    /// <summary>Sets the policy unless the user set one or libgomp is already loaded; returns what this process runs with.</summary>
    public static string Apply(string policy)
    {
        string? existing = Environment.GetEnvironmentVariable("OMP_WAIT_POLICY");
        if (!string.IsNullOrEmpty(existing)) return $"{existing} (from the environment)";
        if (!OperatingSystem.IsLinux()) return "(unset; not Linux)";
        if (LibgompLoaded()) return "(unset; libtorch was already loaded, so it runs with OpenMP's default; run blora bench in its own process or export OMP_WAIT_POLICY)";
        try
        {
            if (SetEnv("OMP_WAIT_POLICY", policy, 1) != 0) return "(unset; setenv failed)";
        }
        catch (EntryPointNotFoundException) { return "(unset; no setenv)"; }
        catch (DllNotFoundException) { return "(unset; no libc)"; }
        Environment.SetEnvironmentVariable("OMP_WAIT_POLICY", policy); // keep the managed view in step
        return $"{policy} (set before libtorch loaded)";
    }

    private static bool LibgompLoaded()
    {
        try
        {
            return File.ReadLines("/proc/self/maps").Any(l => l.Contains("libgomp", StringComparison.Ordinal) || l.Contains("libtorch", StringComparison.Ordinal));
        }
        catch (IOException) { return true; }
        catch (UnauthorizedAccessException) { return true; }
    }

    // DllImport rather than LibraryImport: the source-generated form needs the project to allow unsafe code.
    [DllImport("libc", EntryPoint = "setenv", CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int SetEnv(string name, string value, int overwrite);
}
