using System.Collections.Concurrent;
using System.Diagnostics;
using static TorchSharp.torch;

namespace BlockLora.Torch;

/// <summary>
/// What a device computes fast in half precision. On a CPU: bf16 where it has <c>avx512_bf16</c> or AMX
/// (<c>amx_bf16</c>), read from /proc/cpuinfo; fp16 matmuls have no fast path on CPUs libtorch targets. On CUDA: the
/// compute capability (bf16 tensor cores from 8.0, Ampere; fp16 from 5.3), which TorchSharp 0.107 does not expose, so
/// it is read from <c>nvidia-smi --query-gpu=compute_cap</c>; null when that is not available.
/// </summary>
public sealed record DeviceCapabilities(bool IsCuda, bool CpuHasBf16, Version? CudaCapability)
{
    public static readonly Version Bf16Capability = new(8, 0);
    public static readonly Version Fp16Capability = new(5, 3);

    public string Name => IsCuda ? $"CUDA (compute capability {CudaCapability?.ToString() ?? "unknown"})" : CpuHasBf16 ? "CPU with avx512_bf16/AMX" : "CPU without avx512_bf16/AMX";

    // A run's folder, identity and results row each resolve its precision, a sweep does so for every run of its grid:
    // the hardware does not change while the process runs, so /proc/cpuinfo is read and nvidia-smi started once.
    private static readonly Lazy<IReadOnlyList<string>> cpuFlags = new(ReadCpuFlags);
    private static readonly Lazy<DeviceCapabilities> cpu = new(() => new DeviceCapabilities(false, CpuFlags().Any(f => f is "avx512_bf16" or "amx_bf16"), null));
    private static readonly ConcurrentDictionary<int, DeviceCapabilities> cuda = new();

    /// <summary>The capabilities of <paramref name="device"/> on this machine (probed once per device).</summary>
    public static DeviceCapabilities Of(Device device) => device.type == TorchSharp.DeviceType.CUDA
        ? cuda.GetOrAdd(device.index < 0 ? 0 : device.index, index => new DeviceCapabilities(true, false, QueryCudaCapability(index)))
        : cpu.Value;

    /// <summary>The flags of the first processor in /proc/cpuinfo (empty where there is none).</summary>
    public static IReadOnlyList<string> CpuFlags() => cpuFlags.Value;

    private static IReadOnlyList<string> ReadCpuFlags()
    {
        const string cpuinfo = "/proc/cpuinfo";
        if (!File.Exists(cpuinfo)) return [];
        foreach (string line in File.ReadLines(cpuinfo))
        {
            if (!line.StartsWith("flags", StringComparison.Ordinal)) continue;
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? [] : line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        }
        return [];
    }

    private static Version? QueryCudaCapability(int index)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("nvidia-smi", $"--query-gpu=compute_cap --format=csv,noheader -i {index}")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            });
            if (process is null) return null;
            string text = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit(10_000);
            return Version.TryParse(text.Split('\n')[0].Trim(), out var version) ? version : null;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return null;
        }
    }
}
