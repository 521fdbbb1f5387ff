namespace BlockLora.Imaging;

/// <summary>
/// torchvision's <c>ToTensor</c> followed by <c>Normalize</c> with the statistics OpenAI's CLIP was
/// trained with, evaluated in float32 in the same order ((byte / 255 - mean) / std) so results agree
/// with the PyTorch reference to the last ulp or so.
/// </summary>
public static class ClipNormalization
{
    public static ReadOnlySpan<float> Mean => [0.48145466f, 0.4578275f, 0.40821073f];

    public static ReadOnlySpan<float> Std => [0.26862954f, 0.26130258f, 0.27577711f];

    /// <summary>Writes <paramref name="image"/> as normalised channel-major floats [3, H, W].</summary>
    /// <param name="mirror">Reads each row right to left, i.e. a horizontal flip.</param>
    public static void WriteChannelMajor(RgbImage image, Span<float> destination, bool mirror = false)
    {
        int plane = image.Width * image.Height;
        if (destination.Length != 3 * plane)
            throw new ArgumentException($"need {3 * plane} floats for {image.Width} x {image.Height}, got {destination.Length}", nameof(destination));
        ReadOnlySpan<byte> pixels = image.Pixels;
        ReadOnlySpan<float> mean = Mean, std = Std;
        for (int c = 0; c < 3; c++)
        {
            Span<float> target = destination.Slice(c * plane, plane);
            for (int y = 0; y < image.Height; y++)
            {
                for (int x = 0; x < image.Width; x++)
                {
                    int sx = mirror ? image.Width - 1 - x : x;
                    float unit = pixels[(3 * ((y * image.Width) + sx)) + c] / 255f;
                    target[(y * image.Width) + x] = (unit - mean[c]) / std[c];
                }
            }
        }
    }
}
