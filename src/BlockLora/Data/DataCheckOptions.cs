namespace BlockLora.Data;

/// <summary>How far <see cref="DataCheck.Inspect"/> goes beyond the cheap checks.</summary>
/// <param name="Verify">Decode every image the splits name (<see cref="ImageVerifier"/>); minutes for the full benchmarks.</param>
/// <param name="Progress">Decoding progress, for a progress line.</param>
/// <param name="Parallelism">Decoding threads; the process's cores by default.</param>
public sealed record DataCheckOptions(bool Verify = false, Action<ImageVerifyProgress>? Progress = null, int? Parallelism = null)
{
    public static DataCheckOptions Default { get; } = new();
}
