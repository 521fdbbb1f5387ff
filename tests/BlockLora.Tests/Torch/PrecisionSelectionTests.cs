using BlockLora.Torch;
using static TorchSharp.torch;

namespace BlockLora.Tests.Torch;

public class PrecisionSelectionTests
{
    private static readonly DeviceCapabilities CpuBf16 = new(false, true, null);
    private static readonly DeviceCapabilities CpuPlain = new(false, false, null);
    private static DeviceCapabilities Gpu(int major, int minor) => new(true, false, new Version(major, minor));

    [Fact]
    public void Auto_picks_bf16_on_bf16_hardware_fp16_on_older_gpus_and_fp32_otherwise()
    {
        Assert.Equal(ScalarType.BFloat16, PrecisionSelection.Resolve(Precision.Auto, CpuBf16));
        Assert.Equal(ScalarType.Float32, PrecisionSelection.Resolve(Precision.Auto, CpuPlain));
        Assert.Equal(ScalarType.BFloat16, PrecisionSelection.Resolve(Precision.Auto, Gpu(8, 0)));
        Assert.Equal(ScalarType.BFloat16, PrecisionSelection.Resolve(Precision.Auto, Gpu(9, 0)));
        Assert.Equal(ScalarType.Float16, PrecisionSelection.Resolve(Precision.Auto, Gpu(7, 5)));
        Assert.Equal(ScalarType.Float16, PrecisionSelection.Resolve(Precision.Auto, new DeviceCapabilities(true, false, null)));
    }

    [Fact]
    public void Fp32_is_fp32_everywhere_and_explicit_half_precisions_are_kept()
    {
        foreach (var device in new[] { CpuBf16, CpuPlain, Gpu(7, 0), Gpu(8, 6) })
            Assert.Equal(ScalarType.Float32, PrecisionSelection.Resolve(Precision.Fp32, device));
        Assert.Equal(ScalarType.BFloat16, PrecisionSelection.Resolve(Precision.Bf16, CpuBf16));
        Assert.Equal(ScalarType.Float16, PrecisionSelection.Resolve(Precision.Fp16, Gpu(7, 0)));
    }

    [Fact]
    public void A_gpu_that_cannot_compute_the_dtype_is_refused_in_one_line()
    {
        var bf16 = Assert.Throws<ArgumentException>(() => PrecisionSelection.Resolve(Precision.Bf16, Gpu(7, 5)));
        Assert.Contains("8.0", bf16.Message);
        Assert.DoesNotContain('\n', bf16.Message);
        var fp16 = Assert.Throws<ArgumentException>(() => PrecisionSelection.Resolve(Precision.Fp16, Gpu(5, 0)));
        Assert.Contains("5.3", fp16.Message);
    }

    [Fact]
    public void Slow_cpu_choices_run_with_a_warning()
    {
        Assert.Equal(ScalarType.Float16, PrecisionSelection.Resolve(Precision.Fp16, CpuBf16));
        Assert.Contains("fp16 on a CPU is very slow", PrecisionSelection.Warning(ScalarType.Float16, CpuBf16));
        Assert.Contains("emulated", PrecisionSelection.Warning(ScalarType.BFloat16, CpuPlain));
        Assert.Null(PrecisionSelection.Warning(ScalarType.BFloat16, CpuBf16));
        Assert.Null(PrecisionSelection.Warning(ScalarType.Float16, Gpu(7, 0)));
    }

    [Fact]
    public void Names_parse_and_format_and_an_unknown_name_is_one_line()
    {
        foreach (var p in new[] { Precision.Auto, Precision.Fp32, Precision.Bf16, Precision.Fp16 })
            Assert.Equal(p, Precisions.Parse(Precisions.Format(p)));
        Assert.Equal(Precision.Bf16, Precisions.Parse("BFloat16"));
        var e = Assert.Throws<ArgumentException>(() => Precisions.Parse("fp8"));
        Assert.Equal("unknown precision 'fp8' (use fp32, bf16, fp16 or auto)", e.Message);
    }

    [Fact]
    public void The_cpu_flags_are_read_from_proc_cpuinfo()
    {
        var flags = DeviceCapabilities.CpuFlags();
        Assert.Contains("sse2", flags); // every x86-64 CPU has it; an empty or misparsed line would not
        var cpu = DeviceCapabilities.Of(CPU);
        Assert.False(cpu.IsCuda);
        Assert.Equal(flags.Contains("avx512_bf16") || flags.Contains("amx_bf16"), cpu.CpuHasBf16);
    }
}
