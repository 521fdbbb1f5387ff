using System.Runtime.InteropServices;
using BlockLora.Torch;

namespace BlockLora.Workbook.Demo;

/// <summary>
/// The machine a demo ran on, for its wall time: the demo's times mean little without the CPU, its core count and
/// whether it computes bf16 natively (the default precision picks bf16 only there, which changes both speed and numbers).
/// </summary>
public sealed record DemoMachine(string CpuName, int Cores, bool Bf16)
{
    public static DemoMachine Current() => new(ReadCpuName(), Environment.ProcessorCount, DeviceCapabilities.Of(TorchSharp.torch.CPU).CpuHasBf16);

    /// <summary>"AMD EPYC, 2 cores, bf16: yes (avx512_bf16/AMX)".</summary>
    public string Describe() => $"{CpuName}, {Cores} CPU cores, bf16: {(Bf16 ? "yes (avx512_bf16/AMX)" : "no (neither avx512_bf16 nor AMX)")}";

    /// <summary>The first "model name" of /proc/cpuinfo, else the process architecture (not Linux, or no such line).</summary>
    private static string ReadCpuName()
    {
        try
        {
            if (File.Exists("/proc/cpuinfo"))
            {
                var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
                if (line?.Split(':', 2) is [_, var name] && name.Trim().Length > 0) return name.Trim();
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return RuntimeInformation.ProcessArchitecture.ToString();
    }
}
