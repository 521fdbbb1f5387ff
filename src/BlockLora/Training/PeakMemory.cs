using System.Diagnostics;

namespace BlockLora.Training;

/// <summary>
/// Peak resident memory of one run. Linux keeps one high-water mark (VmHWM) for a process's whole life, so in a
/// process that runs many trainings (a sweep, a notebook kernel) every run after the largest would report the same
/// peak. Writing <c>5</c> to <c>/proc/self/clear_refs</c> resets that mark to the current resident size, so the
/// trainer resets it when a run starts and reads it when the run ends. Where the reset is not available the
/// process's lifetime peak is what is reported.
/// </summary>
public static class PeakMemory
{
    private const string ClearRefs = "/proc/self/clear_refs";

    /// <summary>Resets the high-water mark; false where the OS offers no way to (then <see cref="Read"/> is the lifetime peak).</summary>
    public static bool Reset()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists(ClearRefs)) return false;
        try
        {
            File.WriteAllText(ClearRefs, "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Peak resident bytes since the last <see cref="Reset"/> (or since the process started).</summary>
    public static long Read()
    {
        using var process = Process.GetCurrentProcess();
        return process.PeakWorkingSet64;
    }
}
