using BlockLora.Torch;
using static TorchSharp.torch;

namespace BlockLora.Clip;

/// <summary>Pre-LN transformer block: x + attn(ln_1(x)), then x + mlp(ln_2(x)).</summary>
public sealed class ResidualAttentionBlock : nn.Module<Tensor, Tensor>
{
    private readonly MultiHeadAttention attn;
    private readonly ClipLayerNorm ln_1;
    private readonly Mlp mlp;
    private readonly ClipLayerNorm ln_2;

    public ResidualAttentionBlock(int width, int heads, int mlpRatio, bool causal) : base(nameof(ResidualAttentionBlock))
    {
        attn = new MultiHeadAttention(width, heads, causal);
        ln_1 = new ClipLayerNorm(width);
        mlp = new Mlp(width, width * mlpRatio);
        ln_2 = new ClipLayerNorm(width);
        RegisterComponents();
    }

    public MultiHeadAttention Attention => attn;
    public Mlp Mlp => mlp;

    public override Tensor forward(Tensor x)
    {
        using var n1 = ln_1.forward(x);
        using var a = attn.forward(n1);
        using var x1 = KeptScalars.Add(x, a);
        using var n2 = ln_2.forward(x1);
        using var m = mlp.forward(n2);
        return KeptScalars.Add(x1, m);
    }

    /// <summary>
    /// The output at the positions <paramref name="rows"/> only ([batch, R, width]), equal to
    /// <see cref="forward"/> gathered there. Every position still feeds keys and values, but the query and
    /// output projections, the residuals, ln_2 and the MLP run for R positions: what a tower's last block
    /// needs when only its pooled token is read.
    /// </summary>
    /// <param name="rows">int64 [batch, R]: the positions to keep, per batch item.</param>
    public Tensor ForwardAt(Tensor x, Tensor rows)
    {
        using var n1 = ln_1.forward(x);
        using var a = attn.ForwardAt(n1, rows);
        using var index = rows.unsqueeze(-1).expand(rows.shape[0], rows.shape[1], x.shape[2]);
        using var kept = x.gather(1, index);
        using var x1 = KeptScalars.Add(kept, a);
        using var n2 = ln_2.forward(x1);
        using var m = mlp.forward(n2);
        return KeptScalars.Add(x1, m);
    }
}
