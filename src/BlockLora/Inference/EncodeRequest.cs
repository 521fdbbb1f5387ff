using BlockLora.Torch;
namespace BlockLora.Inference;

/// <summary>What <c>blora encode</c> does: encode images and texts with a CLIP (optionally adapted) and store the results.</summary>
public sealed record EncodeRequest
{
    public required string ModelPath { get; init; }
    public required IReadOnlyList<string> Images { get; init; }
    public required string TextsFile { get; init; }
    public required string OutputPath { get; init; }
    public string Device { get; init; } = DeviceSelection.Default;
    /// <summary>fp32 by default: encode is the exact-parity path the reference outputs are checked with.</summary>
    public Precision Precision { get; init; } = Precision.Fp32;
    public int BatchSize { get; init; } = 32;
    /// <summary>An adapter file applied before encoding; unmerged unless <see cref="MergeAdapter"/>.</summary>
    public string? AdapterPath { get; init; }
    public bool MergeAdapter { get; init; }
}
