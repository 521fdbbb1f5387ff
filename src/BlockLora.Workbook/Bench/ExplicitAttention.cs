using static TorchSharp.torch;

namespace BlockLora.Workbook.Bench;

/// <summary>
/// Attention written out: softmax(q·kᵀ/√d + mask)·v, materialising the [.., T, T] weights. The reference
/// the fused <c>scaled_dot_product_attention</c> in <see cref="Clip.MultiHeadAttention"/> is tested and
/// timed against, and what PyTorch before 2.0 (the twin's Debian torch 1.13) has to run.
/// </summary>
public static class ExplicitAttention
{
    /// <param name="q">[batch, heads, tokens, headDim], like k and v.</param>
    /// <param name="causal">Mask out keys after each query (the text tower).</param>
    public static Tensor Compute(Tensor q, Tensor k, Tensor v, bool causal)
    {
        using var scope = NewDisposeScope();
        long tokens = q.shape[^2];
        var scores = (q * Math.Pow(q.shape[^1], -0.5)).matmul(k.transpose(-2, -1));
        if (causal)
        {
            var mask = full(tokens, tokens, double.NegativeInfinity, dtype: q.dtype, device: q.device).triu(1);
            scores = scores + mask;
        }
        return scores.softmax(-1).matmul(v).MoveToOuterDisposeScope();
    }
}
