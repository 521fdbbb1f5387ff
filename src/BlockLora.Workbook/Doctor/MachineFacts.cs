using System.Reflection;
using BlockLora.Native;
using BlockLora.Torch;
using static TorchSharp.torch;

namespace BlockLora.Workbook.Doctor;

/// <summary>
/// What this process computes with: the build's libtorch, the device and what <c>--precision auto</c> resolves to on
/// it, the CPU and its bf16 support, CUDA, and the native libraries the process has actually mapped (read from
/// /proc/self/maps, so a libtorch bound from somewhere unexpected shows its real path).
/// </summary>
public static class MachineFacts
{
    private static readonly string[] NativePrefixes = ["libtorch", "libc10", "libLibTorchSharp", "libcudart", "libcublas", "libcudnn"];

    public static IReadOnlyList<DoctorFact> Gather(DoctorConfig config)
    {
        var target = ComputeTarget.Resolve(config.Precision, config.Device);
        var auto = PrecisionSelection.Resolve(Precision.Auto, target.Capabilities);
        var flags = DeviceCapabilities.CpuFlags();
        var facts = new List<DoctorFact>
        {
            new("build", $"{DeviceSelection.Build} libtorch (--device defaults to {DeviceSelection.Default}; BLORA_DEVICE=cuda builds the CUDA variant)"),
            new("device", $"{config.Device}: {target.Capabilities.Name}"),
            new("precision auto", $"{PrecisionSelection.Name(auto)} on {config.Device}{(config.Precision == Precision.Auto ? "" : $"; checking --precision {Precisions.Format(config.Precision)} = {PrecisionSelection.Name(target.DType)}")}"),
            new("cpu", $"{CpuModel()}, {Environment.ProcessorCount} logical cores visible, libtorch threads {get_num_threads()}"),
            new("cpu bf16", flags.Contains("amx_bf16") ? "yes (amx_bf16)" : flags.Contains("avx512_bf16") ? "yes (avx512_bf16)" : "no (bf16 would be emulated; auto picks fp32 on this CPU)"),
            new("cuda", cuda.is_available() ? $"available, {cuda.device_count()} device(s)" : "not available"),
            new("TorchSharp", Version(typeof(TorchSharp.torch).Assembly)),
            new("libtorch", $"{__version__} ({LibTorchPackage()})"),
        };
        facts.AddRange(LoadedLibraries().Select(path => new DoctorFact("loaded", path)));
        if (target.Warning is { } warning) facts.Add(new DoctorFact("warning", warning));
        return facts;
    }

    /// <summary>The <c>model name</c> of the first processor in /proc/cpuinfo, else the architecture.</summary>
    public static string CpuModel()
    {
        const string cpuinfo = "/proc/cpuinfo";
        if (File.Exists(cpuinfo))
        {
            foreach (string line in File.ReadLines(cpuinfo))
            {
                if (!line.StartsWith("model name", StringComparison.Ordinal)) continue;
                int colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon >= 0) return line[(colon + 1)..].Trim();
            }
        }
        return System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString();
    }

    /// <summary>Distinct paths of libtorch, c10, LibTorchSharp and CUDA libraries mapped into this process, in load order.</summary>
    public static IReadOnlyList<string> LoadedLibraries()
    {
        const string maps = "/proc/self/maps";
        if (!File.Exists(maps)) return [];
        var paths = new List<string>();
        foreach (string line in File.ReadLines(maps))
        {
            int slash = line.IndexOf('/', StringComparison.Ordinal);
            if (slash < 0) continue;
            string path = line[slash..];
            string name = Path.GetFileName(path);
            if (NativePrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal)) && !paths.Contains(path)) paths.Add(path);
        }
        return paths;
    }

    private static string LibTorchPackage()
    {
        try
        {
            var packages = NativePreload.Packages().Where(p => p.Key.StartsWith("libtorch-", StringComparison.OrdinalIgnoreCase)).Select(p => $"{p.Key} {p.Value}").ToArray();
            return packages.Length == 0 ? "no libtorch package in the deps.json files" : string.Join(", ", packages);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or System.Text.Json.JsonException)
        {
            return $"package unknown: {e.Message}";
        }
    }

    private static string Version(Assembly assembly) =>
        assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? assembly.GetName().Version?.ToString() ?? "?";
}
