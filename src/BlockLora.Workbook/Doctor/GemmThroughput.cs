using System.Diagnostics;
using BlockLora.Torch;
using static TorchSharp.torch;

namespace BlockLora.Workbook.Doctor;

/// <summary>
/// Square matrix products on the device, in GFLOP/s (2n³ per product), at fp32 and at the run's precision. The floors are
/// orders of magnitude, not targets: a CPU thread with a working BLAS does tens of GFLOP/s and a naive loop about one;
/// any CUDA GPU of the last decade does over a TFLOP/s at fp32, and tensor cores several at half precision. A result
/// under the floor means the route is broken (a debug or emulating libtorch, the GPU not used, thermal trouble).
/// </summary>
public static class GemmThroughput
{
    public const double CpuFloorPerThread = 2;
    public const double CudaFp32Floor = 1_000;
    public const double CudaHalfFloor = 5_000;

    public static IEnumerable<DoctorCheck> Run(DoctorConfig config, ComputeTarget target)
    {
        var dtypes = target.DType == ScalarType.Float32 ? new[] { ScalarType.Float32 } : [ScalarType.Float32, target.DType];
        foreach (var dtype in dtypes)
        {
            double floor = Floor(target.Capabilities, dtype);
            int n = target.Capabilities.IsCuda ? 4096 : 1024;
            double gflops = Measure(target.Device, dtype, n, config.GemmSeconds);
            yield return new DoctorCheck($"throughput {PrecisionSelection.Name(dtype)}",
                $"≥ {floor:0} GFLOP/s ({(target.Capabilities.IsCuda ? "any working CUDA GPU" : $"{CpuFloorPerThread:0} per libtorch thread × {get_num_threads()}")})",
                $"{gflops:0.0} GFLOP/s ({n}×{n} products)", gflops >= floor);
        }
    }

    /// <summary>The lower bound a working device meets for <paramref name="dtype"/>.</summary>
    public static double Floor(DeviceCapabilities device, ScalarType dtype) => device.IsCuda
        ? dtype == ScalarType.Float32 ? CudaFp32Floor : CudaHalfFloor
        : CpuFloorPerThread * get_num_threads();

    /// <summary>GFLOP/s of <c>n×n · n×n</c> in <paramref name="dtype"/>, over at least <paramref name="seconds"/> after a warm-up product.</summary>
    public static double Measure(Device device, ScalarType dtype, int n, double seconds)
    {
        using var _ = no_grad();
        using var generator = new Generator(11);
        using var a = randn([n, n], generator: generator).to(device).to(dtype);
        using var b = randn([n, n], generator: generator).to(device).to(dtype);
        using (a.matmul(b)) Sync(device);
        int products = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds || products < 3)
        {
            using (a.matmul(b)) { }
            products++;
            if (products % 8 == 0) Sync(device);
        }
        Sync(device);
        return 2.0 * n * n * (double)n * products / clock.Elapsed.TotalSeconds / 1e9;
    }

    private static void Sync(Device device)
    {
        if (device.type == TorchSharp.DeviceType.CUDA) cuda.synchronize(device);
    }
}
