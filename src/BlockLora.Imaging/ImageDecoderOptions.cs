namespace BlockLora.Imaging;

/// <summary>
/// Limits checked before any pixel memory is allocated, so a hostile or mislabelled file costs at most
/// <see cref="MaxFileBytes"/> of reading and a header parse.
/// </summary>
/// <param name="MaxFileBytes">Files larger than this are rejected without being read.</param>
/// <param name="MaxPixels">Width × height from the header above this are rejected before decoding.</param>
public sealed record ImageDecoderOptions(long MaxFileBytes = ImageDecoderOptions.DefaultMaxFileBytes, long MaxPixels = ImageDecoderOptions.DefaultMaxPixels)
{
    public const long DefaultMaxFileBytes = 64L * 1024 * 1024;

    public const long DefaultMaxPixels = 50_000_000;

    public static ImageDecoderOptions Default { get; } = new();
}
