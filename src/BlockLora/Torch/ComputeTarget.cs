using static TorchSharp.torch;

namespace BlockLora.Torch;

/// <summary>
/// Where a run computes and in which dtype: its <c>--device</c> and <c>--precision</c> resolved once, on this machine,
/// so loading, placing, training and evaluating all use the same answer instead of asking again.
/// </summary>
public sealed record ComputeTarget(Device Device, DeviceCapabilities Capabilities, ScalarType DType)
{
    /// <summary>Parses <paramref name="deviceName"/> (<see cref="DeviceSelection.Parse"/>) and resolves <paramref name="precision"/> for it.</summary>
    public static ComputeTarget Resolve(Precision precision, string deviceName)
    {
        var device = DeviceSelection.Parse(deviceName);
        var capabilities = DeviceCapabilities.Of(device);
        return new ComputeTarget(device, capabilities, PrecisionSelection.Resolve(precision, capabilities));
    }

    /// <summary>The slow-choice warning for this dtype on this device (<see cref="PrecisionSelection.Warning"/>), else null.</summary>
    public string? Warning => PrecisionSelection.Warning(DType, Capabilities);
}
