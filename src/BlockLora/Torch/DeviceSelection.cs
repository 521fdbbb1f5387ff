using System.Reflection;
using static TorchSharp.torch;

namespace BlockLora.Torch;

/// <summary>Turns a user's <c>--device</c> into a TorchSharp device, saying plainly when CUDA is not in this build.</summary>
public static class DeviceSelection
{
    /// <summary>
    /// The libtorch this build links: <c>cpu</c>, or <c>cuda</c> for a build made with <c>BLORA_DEVICE=cuda</c>
    /// (<c>-p:BlockLoraDevice=cuda</c>), as the build wrote it into this assembly's metadata.
    /// </summary>
    public static string Build { get; } = typeof(DeviceSelection).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .FirstOrDefault(a => a.Key == "BlockLoraDevice")?.Value is "cuda" ? "cuda" : "cpu";

    /// <summary>What <c>--device</c> means when it is not given: the device this build was made for (a CUDA build exists to use the GPU).</summary>
    public static string Default => Build;

    /// <summary>Checks the spelling only (cpu, cuda, cuda:N), so a GPU sweep can be planned on a machine without one.</summary>
    public static string CheckName(string name) =>
        name == "cpu" || name == "cuda" || (name.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(name.AsSpan(5), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _))
            ? name
            : throw new ArgumentException($"unknown device '{name}' (use cpu, cuda or cuda:N)");

    public static Device Parse(string name)
    {
        if (name == "cpu") return CPU;
        if (name.StartsWith("cuda", StringComparison.Ordinal))
        {
            if (!cuda.is_available())
                throw new ArgumentException($"device '{name}' requested but CUDA is not available ({(Build == "cuda"
                    ? "this CUDA build finds no GPU: check nvidia-smi and a driver for CUDA 12.8, or give --device cpu"
                    : "this build uses the CPU libtorch; on a GPU machine build with BLORA_DEVICE=cuda, see docs/gpu.md")})");
            return new Device(name);
        }
        throw new ArgumentException($"unknown device '{name}' (use cpu, cuda or cuda:N)");
    }
}
