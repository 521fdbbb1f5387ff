using System.Globalization;
using System.Runtime.InteropServices;

namespace BlockLora.Experiments.Bench;

/// <summary>
/// Peak resident memory of one measured piece of work, the same way in this process and in the twin:
/// hand freed heap back to the OS (glibc <c>malloc_trim</c>), reset the kernel's high-water mark
/// (<c>/proc/self/clear_refs</c> ← 5, Linux ≥ 4.0), run, and read <c>VmHWM</c> − the RSS before. Without the
/// trim, memory an earlier case freed but the allocator kept would hide this case's peak.
/// Where /proc is missing (not Linux), <see cref="Supported"/> is false and deltas are 0.
/// </summary>
public static class PeakMemory
{
    public static bool Supported { get; } = OperatingSystem.IsLinux() && File.Exists("/proc/self/clear_refs");

    /// <summary>Trims the heap, resets the peak mark and returns the resident bytes now.</summary>
    public static long Reset()
    {
        if (!Supported) return 0;
        try { MallocTrim(0); }
        catch (EntryPointNotFoundException) { }
        catch (DllNotFoundException) { }
        try { File.WriteAllText("/proc/self/clear_refs", "5"); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return StatusBytes("VmRSS");
    }

    /// <summary>Peak resident bytes since the last <see cref="Reset"/>.</summary>
    public static long Peak() => Supported ? StatusBytes("VmHWM") : 0;

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
}
