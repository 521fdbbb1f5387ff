using static TorchSharp.torch;

namespace BlockLora.Clip;

/// <summary>
/// Multi-head self-attention with separate q/k/v/out projections, so each is a slot adapters can wrap.
/// OpenAI stores q/k/v fused in <c>in_proj_weight</c>; the loaders split it into row thirds.
/// Batch-first ([batch, tokens, width]); attention runs through the fused SDPA kernel.
/// </summary>
public sealed class MultiHeadAttention : nn.Module<Tensor, Tensor>
{
    private readonly AdaptableLinear q_proj;
    private readonly AdaptableLinear k_proj;
    private readonly AdaptableLinear v_proj;
    private readonly AdaptableLinear out_proj;
    private readonly int heads;
    private readonly bool causal;

    public MultiHeadAttention(int width, int heads, bool causal) : base(nameof(MultiHeadAttention))
    {
        this.heads = heads;
        this.causal = causal;
        q_proj = new AdaptableLinear(width, width);
        k_proj = new AdaptableLinear(width, width);
        v_proj = new AdaptableLinear(width, width);
        out_proj = new AdaptableLinear(width, width);
        RegisterComponents();
    }

    public AdaptableLinear Q => q_proj;
    public AdaptableLinear K => k_proj;
    public AdaptableLinear V => v_proj;
    public AdaptableLinear Out => out_proj;
    public int Heads => heads;
    /// <summary>True in the text tower: a position attends to itself and the positions before it.</summary>
    public bool Causal => causal;

    public override Tensor forward(Tensor x)
    {
        long batch = x.shape[0], tokens = x.shape[1], width = x.shape[2];
        long headDim = width / heads;
        using var q = SplitHeads(q_proj.forward(x), batch, tokens, headDim);
        using var k = SplitHeads(k_proj.forward(x), batch, tokens, headDim);
        using var v = SplitHeads(v_proj.forward(x), batch, tokens, headDim);
        using var attended = nn.functional.scaled_dot_product_attention(q, k, v, is_casual: causal);
        // Every view is disposed too: an undisposed view keeps its storage alive until the enclosing
        // dispose scope ends, i.e. q, k, v and the attention output of every layer for the whole pass.
        using var transposed = attended.transpose(1, 2);
        using var merged = transposed.reshape(batch, tokens, width);
        return out_proj.forward(merged);
    }

    /// <summary>
    /// The output at the positions <paramref name="rows"/> only ([batch, R, width]), equal to
    /// <see cref="forward"/> gathered there: keys and values come from every position, queries and the output
    /// projection only from the R rows. In the causal (text) tower a query at position p still sees keys ≤ p.
    /// </summary>
    /// <param name="rows">int64 [batch, R]: the positions to keep, per batch item.</param>
    public Tensor ForwardAt(Tensor x, Tensor rows)
    {
        long batch = x.shape[0], tokens = x.shape[1], width = x.shape[2], kept = rows.shape[1];
        long headDim = width / heads;
        using var index = rows.unsqueeze(-1).expand(batch, kept, width);
        using var selected = x.gather(1, index);
        using var q = SplitHeads(q_proj.forward(selected), batch, kept, headDim);
        using var k = SplitHeads(k_proj.forward(x), batch, tokens, headDim);
        using var v = SplitHeads(v_proj.forward(x), batch, tokens, headDim);
        using var mask = causal ? CausalMaskAt(rows, tokens) : null;
        using var attended = nn.functional.scaled_dot_product_attention(q, k, v, attn_mask: mask);
        using var transposed = attended.transpose(1, 2);
        using var merged = transposed.reshape(batch, kept, width);
        return out_proj.forward(merged);
    }

    /// <summary>[batch, 1, R, tokens] boolean: key j is visible to the query at row position p when j ≤ p.</summary>
    private static Tensor CausalMaskAt(Tensor rows, long tokens)
    {
        using var scope = NewDisposeScope();
        var keys = arange(tokens, dtype: ScalarType.Int64, device: rows.device).view(1, 1, 1, tokens);
        var queries = rows.view(rows.shape[0], 1, rows.shape[1], 1);
        return keys.le(queries).MoveToOuterDisposeScope();
    }

    private Tensor SplitHeads(Tensor projected, long batch, long tokens, long headDim)
    {
        using (projected)
        using (var split = projected.view(batch, tokens, heads, headDim))
            return split.transpose(1, 2);
    }
}
