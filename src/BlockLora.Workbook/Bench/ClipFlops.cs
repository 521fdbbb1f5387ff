using BlockLora.Clip;

namespace BlockLora.Workbook.Bench;

/// <summary>
/// Floating-point operations (2 per multiply-add) of CLIP's forward pass by formula, to turn times into
/// an achieved GFLOP/s. Per block and token: q, k, v, out (4w²) and the MLP (2·ratio·w²) multiply-adds,
/// plus attention's q·kᵀ and weights·v (2·T·w). Layer norms, softmax and activations are left out (they
/// are memory-bound and small in FLOPs). The count is the full model's, the work a plain implementation
/// (the twin) does; this library's pooled last block and text cut do less, so its rate reads as effective
/// GFLOP/s: the same useful work per second.
/// </summary>
public static class ClipFlops
{
    /// <summary>Forward FLOPs of encoding one image.</summary>
    public static double ImageForward(ClipConfig c)
    {
        double w = c.VisionWidth, t = c.GridSize * c.GridSize + 1;
        double patch = (t - 1) * 3.0 * c.PatchSize * c.PatchSize * w;
        return 2 * (patch + c.VisionLayers * Block(w, t, c.MlpRatio) + w * c.EmbedDim);
    }

    /// <summary>Forward FLOPs of encoding one prompt over <paramref name="positions"/> tokens.</summary>
    public static double TextForward(ClipConfig c, int positions)
    {
        double w = c.TextWidth;
        return 2 * (c.TextLayers * Block(w, positions, c.MlpRatio) + w * c.EmbedDim);
    }

    /// <summary>The attention core (q·kᵀ and weights·v) for [batch, heads, tokens, headDim].</summary>
    public static double Attention(long batch, long heads, long tokens, long headDim) => 2.0 * 2 * batch * heads * tokens * tokens * headDim;

    /// <summary>An n×n by n×n product.</summary>
    public static double Gemm(long n) => 2.0 * n * n * n;

    // Multiply-adds of one block over t tokens.
    private static double Block(double w, double t, int mlpRatio) => t * (4 * w * w + 2 * mlpRatio * w * w) + 2 * t * t * w;
}
