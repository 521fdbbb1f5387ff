using static TorchSharp.torch;

namespace BlockLora.Torch;

/// <summary>Turns a requested <see cref="Precision"/> into the dtype a device computes in, refusing what it cannot do.</summary>
public static class PrecisionSelection
{
    /// <summary>
    /// <see cref="Precision.Auto"/>: bf16 on a CPU with avx512_bf16/AMX and on CUDA from compute capability 8.0, fp16 on
    /// older CUDA GPUs (and on CUDA of unknown capability), fp32 otherwise. bf16 on a GPU below compute capability 8.0
    /// and fp16 below 5.3 throw <see cref="ArgumentException"/> with one line. On a CPU libtorch computes both in any
    /// case, so fp16, and bf16 without avx512_bf16/AMX, run with a one-line <see cref="Warning"/> that they are slow.
    /// </summary>
    public static ScalarType Resolve(Precision precision, DeviceCapabilities device) => precision switch
    {
        Precision.Fp32 => ScalarType.Float32,
        Precision.Auto => device.IsCuda
            ? device.CudaCapability is { } cap && cap >= DeviceCapabilities.Bf16Capability ? ScalarType.BFloat16 : ScalarType.Float16
            : device.CpuHasBf16 ? ScalarType.BFloat16 : ScalarType.Float32,
        Precision.Bf16 => device.IsCuda
            ? device.CudaCapability is { } cap && cap < DeviceCapabilities.Bf16Capability
                ? throw new ArgumentException($"bf16 needs compute capability ≥ 8.0 (Ampere); this GPU has {cap}: use --precision fp16 or fp32")
                : ScalarType.BFloat16
            : ScalarType.BFloat16,
        Precision.Fp16 => device.IsCuda && device.CudaCapability is { } old && old < DeviceCapabilities.Fp16Capability
            ? throw new ArgumentException($"fp16 needs compute capability ≥ 5.3; this GPU has {old}: use --precision fp32")
            : ScalarType.Float16,
        _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, "unknown precision"),
    };

    /// <summary>
    /// The dtype a run on <paramref name="deviceName"/> will compute in, also where that device is not here: a sweep for
    /// the GPUs of a cluster is listed and submitted from a login node without one. There an explicit precision is taken
    /// as asked (the GPU checks it when the run starts); auto, which the GPU decides, is refused with the fix.
    /// </summary>
    public static ScalarType ResolveFor(Precision precision, string deviceName)
    {
        bool cudaName = deviceName.StartsWith("cuda", StringComparison.Ordinal);
        if (!cudaName || TorchSharp.torch.cuda.is_available()) return Resolve(precision, DeviceSelection.Parse(deviceName));
        return precision switch
        {
            Precision.Fp32 => ScalarType.Float32,
            Precision.Bf16 => ScalarType.BFloat16,
            Precision.Fp16 => ScalarType.Float16,
            _ => throw new ArgumentException($"precision auto on {deviceName} is chosen by the GPU (bf16 from compute capability 8.0, else fp16) and this machine has none; give --precision bf16 or fp16 to plan a {deviceName} sweep here"),
        };
    }

    /// <summary>The dtype for <paramref name="precision"/> on <paramref name="device"/> of this machine.</summary>
    public static ScalarType Resolve(Precision precision, Device device) => Resolve(precision, DeviceCapabilities.Of(device));

    /// <summary>A one-line warning for a choice that runs but is slow on this device, else null.</summary>
    public static string? Warning(ScalarType dtype, DeviceCapabilities device) => (dtype, device.IsCuda, device.CpuHasBf16) switch
    {
        (ScalarType.Float16, false, _) => "warning: fp16 on a CPU is very slow (no fast fp16 matmul); bf16 or fp32 are the CPU's modes",
        (ScalarType.BFloat16, false, false) => "warning: this CPU has neither avx512_bf16 nor AMX, so bf16 is emulated and slow; fp32 is its fast mode",
        _ => null,
    };

    /// <summary>fp32, bf16 or fp16: how rows and files name a compute dtype.</summary>
    public static string Name(ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 => "fp32",
        ScalarType.BFloat16 => "bf16",
        ScalarType.Float16 => "fp16",
        _ => throw new ArgumentException($"{dtype} is not a compute precision"),
    };
}
