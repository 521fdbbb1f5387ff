using BlockLora.Torch;

namespace BlockLora.Workbook.Doctor;

/// <summary>What <c>blora doctor</c> checks: one device at the precision a run on it would pick.</summary>
public sealed record DoctorConfig
{
    /// <summary>cpu, cuda or cuda:N; the device this build is for unless told.</summary>
    public string Device { get; init; } = DeviceSelection.Default;

    /// <summary>The precision whose resolved dtype the training step and the second throughput row use (auto, as runs default to).</summary>
    public Precision Precision { get; init; } = Precision.Auto;

    /// <summary>
    /// The folder holding <c>clip-tiny.safetensors</c> and its PyTorch reference outputs <c>expected.safetensors</c>; the
    /// build copies both beside the workbook's assembly (from tests/BlockLora.Tests/fixtures/clip-tiny).
    /// </summary>
    public string FixtureDir { get; init; } = DoctorFixture.BundledDir;

    /// <summary>Seconds each throughput row keeps multiplying (after a warm-up), so a busy machine's noise averages out.</summary>
    public double GemmSeconds { get; init; } = 1.0;
}
