using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace BlockLora.Torch;

/// <summary>
/// Peak resident memory of one piece of work (a training run, a bench case). Linux keeps one high-water mark (VmHWM)
/// for a process's whole life, so in a process that does many runs (a sweep, a notebook kernel, the bench) every run
/// after the largest would report the same peak. <see cref="Reset"/> hands freed heap back to the OS (glibc
/// <c>malloc_trim</c>: memory an earlier run freed but the allocator kept would otherwise hide this run's peak) and
/// writes <c>5</c> to <c>/proc/self/clear_refs</c>, which resets the mark to the current resident size (Linux ≥ 4.0).
/// Where that is not available, <see cref="Peak"/> is the process's lifetime peak.
/// </summary>
public static class PeakMemory
{
    private const string ClearRefs = "/proc/self/clear_refs";

    /// <summary>Whether the high-water mark can be reset (Linux with /proc).</summary>
    public static bool Supported { get; } = OperatingSystem.IsLinux() && File.Exists(ClearRefs);

    /// <summary>Trims the heap, resets the high-water mark and returns the resident bytes now (0 where unsupported).</summary>
    public static long Reset()
    {
        if (!Supported) return 0;
        try { MallocTrim(0); }
        catch (EntryPointNotFoundException) { }
        catch (DllNotFoundException) { }
        try { File.WriteAllText(ClearRefs, "5"); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return StatusBytes("VmRSS");
    }

    /// <summary>Peak resident bytes since the last <see cref="Reset"/> (or since the process started).</summary>
    public static long Peak()
    {
        if (Supported) return StatusBytes("VmHWM");
        using var process = Process.GetCurrentProcess();
        return process.PeakWorkingSet64;
    }

    /// <summary>
    /// Makes glibc return freed memory to the OS at once, for measuring peaks: every block of 128 KiB or more becomes its
    /// own mapping, unmapped when freed, and the heap is trimmed above 128 KiB. glibc's own rule is dynamic: the mmap
    /// threshold starts at 128 KiB and rises to the size of each mapped block freed (up to 32 MiB), after which tensors
    /// come from the heap and freed ones stay resident, so a rise of resident memory depends on what ran before, not only
    /// on the work measured. It costs page faults and cannot be undone (glibc then never adjusts the thresholds again),
    /// so nothing is timed after it in the same process. Returns false where glibc's <c>mallopt</c> is not available.
    /// </summary>
    public static bool ReturnFreedMemoryAtOnce()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try { return Mallopt(MallocMmapThreshold, 128 << 10) == 1 && Mallopt(MallocTrimThreshold, 128 << 10) == 1; }
        catch (EntryPointNotFoundException) { return false; }
        catch (DllNotFoundException) { return false; }
    }

    private static long StatusBytes(string field)
    {
        foreach (string line in File.ReadLines("/proc/self/status"))
        {
            if (!line.StartsWith(field + ":", StringComparison.Ordinal)) continue;
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return long.Parse(parts[1], CultureInfo.InvariantCulture) * 1024;
        }
        return 0;
    }

    // DllImport rather than LibraryImport: the source-generated form needs the project to allow unsafe code.
    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);

    // glibc malloc.h: M_TRIM_THRESHOLD -1, M_MMAP_THRESHOLD -3.
    private const int MallocTrimThreshold = -1;
    private const int MallocMmapThreshold = -3;

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int Mallopt(int parameter, int value);
}
