namespace BlockLora.Workbook.Demo;

/// <summary>
/// Labelled 8-bit grey images of one size, held as one flat byte array (what the demo's sources decode
/// to before they become tensors for pretraining or PNG files for the few-shot tasks).
/// </summary>
public sealed record GrayImageSet(int Width, int Height, byte[] Pixels, int[] Labels)
{
    public int Count => Labels.Length;

    public int PixelsPerImage => Width * Height;

    public ReadOnlySpan<byte> Image(int index) => Pixels.AsSpan(index * PixelsPerImage, PixelsPerImage);

    /// <summary>Indices of the images with label <paramref name="label"/>, in file order.</summary>
    public IReadOnlyList<int> IndicesOf(int label) => Enumerable.Range(0, Count).Where(i => Labels[i] == label).ToArray();
}
