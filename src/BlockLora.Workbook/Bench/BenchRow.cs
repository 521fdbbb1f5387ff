namespace BlockLora.Workbook.Bench;

/// <summary>
/// One line of the benchmark table. Times are medians over the timed rounds; "vs" divides by the
/// <see cref="BaselineId"/> row measured in the same rounds; <see cref="OursOverTwin"/> divides by the
/// PyTorch twin's median for the same case. Null where it does not apply or was not measured.
/// </summary>
/// <param name="OursMs">Median milliseconds per run (data/overlap: the consumer's wait per step).</param>
/// <param name="ImagesPerSecond">Batch / time, for cases that process the image batch.</param>
/// <param name="OursGflops">Achieved GFLOP/s by formula (<see cref="ClipFlops"/>), where a count is defined.</param>
/// <param name="OursPeakMb">Largest resident-memory rise during one sample, MiB.</param>
/// <param name="TrainableParameters">Adapter parameters by formula (ParameterAccounting).</param>
/// <param name="AdapterMflop">The adapters' forward MFLOP per run by formula: 2·multiply-adds + fold additions over every adapted token.</param>
public sealed record BenchRow(
    string Id,
    string Kind,
    string Title,
    string? BaselineId,
    double OursMs,
    double? VsBaseline,
    double? TwinMs,
    double? TwinVsBaseline,
    double? OursOverTwin,
    double? ImagesPerSecond,
    double? OursGflops,
    double? TwinGflops,
    double OursPeakMb,
    double? TwinPeakMb,
    long? TrainableParameters,
    double? AdapterMflop,
    int Samples,
    int Inner)
{
    /// <summary>The dtype the case ran in (fp32, bf16, fp16).</summary>
    public string Precision { get; init; } = "fp32";

    /// <summary>This precision's time over the fp32 row of the same case (null for fp32 rows, or without one).</summary>
    public double? VsFp32 { get; init; }

    /// <summary>The same for the twin: autocast time over its fp32 time.</summary>
    public double? TwinVsFp32 { get; init; }

    /// <summary>Fastest and slowest of the timed rounds (ms per run): the spread around <see cref="OursMs"/>.</summary>
    public double OursMinMs { get; init; }

    public double OursMaxMs { get; init; }

    /// <summary>Smallest and largest per-round ratio to the baseline: the spread around <see cref="VsBaseline"/>.</summary>
    public double? VsMin { get; init; }

    public double? VsMax { get; init; }

    /// <summary>This row's peak over the baseline row's.</summary>
    public double? PeakVsBaseline { get; init; }

    /// <summary>The adapters' forward + backward MFLOP of one training step by formula (<see cref="AdapterFlops"/>); training rows only.</summary>
    public double? AdapterStepMflop { get; init; }

    /// <summary>The target the row is shown against (<see cref="BenchTarget.Text"/>), or null.</summary>
    public string? Target { get; init; }

    /// <summary>Whether the measured ratios meet <see cref="Target"/> (information; null without a target or a ratio).</summary>
    public bool? TargetMet { get; init; }
}
