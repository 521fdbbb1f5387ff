using static TorchSharp.torch;

namespace BlockLora.Torch;

/// <summary>Turns a user's <c>--device</c> into a TorchSharp device, saying plainly when CUDA is not in this build.</summary>
public static class DeviceSelection
{
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
                throw new ArgumentException($"device '{name}' requested but CUDA is not available (this build uses the CPU libtorch; build with -p:BlockLoraDevice=cuda on a GPU machine, see README)");
            return new Device(name);
        }
        throw new ArgumentException($"unknown device '{name}' (use cpu, cuda or cuda:N)");
    }
}
