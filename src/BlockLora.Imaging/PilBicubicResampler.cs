namespace BlockLora.Imaging;

/// <summary>
/// A re-implementation of Pillow's <c>Image.resize(size, BICUBIC)</c> for 8-bit images, so that
/// preprocessing here matches torchvision-on-PIL to the last bit: the same filter (a = -0.5, support 2
/// widened by the downscale factor), the same double-precision coefficients rounded to 22-bit fixed
/// point, the same horizontal-then-vertical order with rounding and clipping to 0..255 between the
/// passes, and, for images with alpha, the same premultiply / resize / unpremultiply round trip.
/// </summary>
public static class PilBicubicResampler
{
    private const int PrecisionBits = 32 - 8 - 2;
    private const double FilterSupport = 2.0;

    /// <summary>Resizes the whole image, as PIL's <c>Image.resize(size, Image.BICUBIC)</c>.</summary>
    public static RgbImage Resize(RgbImage image, int outWidth, int outHeight)
    {
        ArgumentNullException.ThrowIfNull(image);
        return Resize(image, PixelBox.Of(image), outWidth, outHeight, new PixelBox(0, 0, outWidth, outHeight));
    }

    /// <summary>
    /// Resizes the <paramref name="source"/> rectangle of <paramref name="image"/> (treated as an image of
    /// its own, as after a PIL crop: edge pixels do not see what lies outside it) to
    /// <paramref name="outWidth"/> x <paramref name="outHeight"/>, and returns only the
    /// <paramref name="window"/> part of that output. Every output pixel depends only on its own
    /// coefficients, so computing just the window gives the same bytes as resizing fully then cropping,
    /// without the cost (or the memory, for extreme aspect ratios) of the discarded part.
    /// </summary>
    public static RgbImage Resize(RgbImage image, PixelBox source, int outWidth, int outHeight, PixelBox window)
    {
        ArgumentNullException.ThrowIfNull(image);
        source.ThrowIfNotInside(image.Width, image.Height, nameof(source));
        window.ThrowIfNotInside(outWidth, outHeight, nameof(window));
        if (!image.HasAlpha)
        {
            byte[] rgb = Resample(image.Pixels, image.Width, 3, source, outWidth, outHeight, window);
            return new RgbImage(window.Width, window.Height, rgb);
        }

        byte[] premultiplied = Premultiply(image);
        byte[] rgba = Resample(premultiplied, image.Width, 4, source, outWidth, outHeight, window);
        return Unpremultiply(rgba, window.Width, window.Height);
    }

    /// <summary>Pillow's RGBA → RGBa conversion: c * a / 255 with its rounding trick.</summary>
    private static byte[] Premultiply(RgbImage image)
    {
        ReadOnlySpan<byte> rgb = image.Pixels, alpha = image.Alpha;
        var rgba = new byte[4L * alpha.Length];
        for (int i = 0; i < alpha.Length; i++)
        {
            int a = alpha[i];
            for (int c = 0; c < 3; c++)
            {
                int t = (rgb[(3 * i) + c] * a) + 128;
                rgba[(4 * i) + c] = (byte)(((t >> 8) + t) >> 8);
            }
            rgba[(4 * i) + 3] = (byte)a;
        }
        return rgba;
    }

    /// <summary>Pillow's RGBa → RGBA conversion: integer 255 * c / a, clipped; alpha 0 and 255 pass through.</summary>
    private static RgbImage Unpremultiply(byte[] rgba, int width, int height)
    {
        int count = width * height;
        var rgb = new byte[3L * count];
        var alpha = new byte[count];
        for (int i = 0; i < count; i++)
        {
            int a = rgba[(4 * i) + 3];
            alpha[i] = (byte)a;
            for (int c = 0; c < 3; c++)
            {
                int v = rgba[(4 * i) + c];
                rgb[(3 * i) + c] = a is 0 or 255 ? (byte)v : (byte)Math.Min(255, 255 * v / a);
            }
        }
        return new RgbImage(width, height, rgb, alpha);
    }

    /// <summary>The two-pass resample on interleaved bytes with <paramref name="channels"/> per pixel.</summary>
    private static byte[] Resample(ReadOnlySpan<byte> pixels, int imageWidth, int channels, PixelBox source, int outWidth, int outHeight, PixelBox window)
    {
        // Pillow skips a pass whose size does not change; that pass would be an identity anyway.
        AxisCoefficients? columns = outWidth != source.Width ? AxisCoefficients.Compute(source.Width, outWidth, window.X, window.Width) : null;
        AxisCoefficients? rows = outHeight != source.Height ? AxisCoefficients.Compute(source.Height, outHeight, window.Y, window.Height) : null;

        // Source rows (relative to source.Y) that the vertical pass reads, or the window rows themselves.
        int firstRow = rows?.FirstInput ?? window.Y;
        int rowCount = rows is null ? window.Height : rows.InputEnd - rows.FirstInput;
        int rowBytes = channels * window.Width;

        byte[] intermediate = new byte[(long)rowBytes * rowCount];
        for (int r = 0; r < rowCount; r++)
        {
            int sourceOffset = channels * (((source.Y + firstRow + r) * imageWidth) + source.X);
            ReadOnlySpan<byte> sourceRow = pixels.Slice(sourceOffset, channels * source.Width);
            Span<byte> targetRow = intermediate.AsSpan(r * rowBytes, rowBytes);
            if (columns is null) sourceRow.Slice(channels * window.X, rowBytes).CopyTo(targetRow);
            else ResampleRow(sourceRow, targetRow, channels, columns);
        }
        if (rows is null) return intermediate;

        byte[] output = new byte[(long)rowBytes * window.Height];
        for (int o = 0; o < window.Height; o++)
        {
            int start = rows.Start[o] - firstRow;
            ReadOnlySpan<int> weights = rows.WeightsFor(o);
            Span<byte> target = output.AsSpan(o * rowBytes, rowBytes);
            for (int b = 0; b < rowBytes; b++)
            {
                int sum = 1 << (PrecisionBits - 1);
                for (int k = 0; k < weights.Length; k++) sum += intermediate[((start + k) * rowBytes) + b] * weights[k];
                target[b] = Clip8(sum);
            }
        }
        return output;
    }

    private static void ResampleRow(ReadOnlySpan<byte> source, Span<byte> target, int channels, AxisCoefficients columns)
    {
        for (int o = 0; o < columns.OutputCount; o++)
        {
            ReadOnlySpan<int> weights = columns.WeightsFor(o);
            ReadOnlySpan<byte> taps = source.Slice(channels * columns.Start[o], channels * weights.Length);
            for (int c = 0; c < channels; c++)
            {
                int sum = 1 << (PrecisionBits - 1);
                for (int k = 0; k < weights.Length; k++) sum += taps[(channels * k) + c] * weights[k];
                target[(channels * o) + c] = Clip8(sum);
            }
        }
    }

    private static byte Clip8(int value)
    {
        int shifted = value >> PrecisionBits;
        return shifted < 0 ? (byte)0 : shifted > 255 ? (byte)255 : (byte)shifted;
    }

    private static double Bicubic(double x)
    {
        const double a = -0.5;
        if (x < 0.0) x = -x;
        if (x < 1.0) return ((((a + 2.0) * x) - (a + 3.0)) * x * x) + 1;
        if (x < 2.0) return ((((((x - 5) * x) + 8) * x) - 4) * a);
        return 0.0;
    }

    /// <summary>Pillow's <c>precompute_coeffs</c> plus <c>normalize_coeffs_8bpc</c>, for a range of outputs.</summary>
    private sealed class AxisCoefficients
    {
        private readonly int[] _weights;
        private readonly int _kernelSize;

        private AxisCoefficients(int outputCount, int kernelSize)
        {
            OutputCount = outputCount;
            _kernelSize = kernelSize;
            Start = new int[outputCount];
            Count = new int[outputCount];
            _weights = new int[outputCount * kernelSize];
        }

        public int OutputCount { get; }

        public int[] Start { get; }

        public int[] Count { get; }

        public int FirstInput { get; private set; }

        public int InputEnd { get; private set; }

        public ReadOnlySpan<int> WeightsFor(int output) => _weights.AsSpan(output * _kernelSize, Count[output]);

        public static AxisCoefficients Compute(int inSize, int outSize, int firstOutput, int outputCount)
        {
            // Pillow passes the box edges as C floats; for a whole-image box they are exact integers.
            double scale = (double)(float)inSize / outSize;
            double filterScale = Math.Max(scale, 1.0);
            double support = FilterSupport * filterScale;
            double invScale = 1.0 / filterScale;
            int kernelSize = ((int)Math.Ceiling(support) * 2) + 1;
            var result = new AxisCoefficients(outputCount, kernelSize);
            var real = new double[kernelSize];
            result.FirstInput = int.MaxValue;
            result.InputEnd = int.MinValue;
            for (int i = 0; i < outputCount; i++)
            {
                double center = (firstOutput + i + 0.5) * scale;
                // C's (int) truncates toward zero, like the C# cast; Pillow relies on that for "rounding".
                int xmin = (int)(center - support + 0.5);
                if (xmin < 0) xmin = 0;
                int xmax = (int)(center + support + 0.5);
                if (xmax > inSize) xmax = inSize;
                xmax -= xmin;
                double total = 0.0;
                for (int x = 0; x < xmax; x++)
                {
                    double w = Bicubic((x + xmin - center + 0.5) * invScale);
                    real[x] = w;
                    total += w;
                }
                Span<int> fixedPoint = result._weights.AsSpan(i * kernelSize, kernelSize);
                for (int x = 0; x < xmax; x++)
                {
                    double w = total != 0.0 ? real[x] / total : real[x];
                    fixedPoint[x] = w < 0
                        ? (int)(-0.5 + (w * (1 << PrecisionBits)))
                        : (int)(0.5 + (w * (1 << PrecisionBits)));
                }
                result.Start[i] = xmin;
                result.Count[i] = xmax;
                result.FirstInput = Math.Min(result.FirstInput, xmin);
                result.InputEnd = Math.Max(result.InputEnd, xmin + xmax);
            }
            return result;
        }
    }
}
