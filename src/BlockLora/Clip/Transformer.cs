using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BlockLora.Clip;

/// <summary>A stack of residual attention blocks (OpenAI's <c>transformer.resblocks.{i}</c>).</summary>
public sealed class Transformer : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<ResidualAttentionBlock> resblocks;

    public Transformer(int width, int layers, int heads, int mlpRatio, bool causal) : base(nameof(Transformer))
    {
        resblocks = new ModuleList<ResidualAttentionBlock>(
            Enumerable.Range(0, layers).Select(_ => new ResidualAttentionBlock(width, heads, mlpRatio, causal)).ToArray());
        RegisterComponents();
    }

    public IReadOnlyList<ResidualAttentionBlock> Blocks => resblocks.ToList();

    public override Tensor forward(Tensor x)
    {
        var h = x.alias();
        foreach (var block in resblocks)
        {
            var next = block.forward(h);
            h.Dispose();
            h = next;
        }
        return h;
    }

    /// <summary>
    /// <see cref="forward"/> read at the positions <paramref name="rows"/> only ([batch, R, width]): every block
    /// but the last runs on all positions (later positions feed the kept ones through attention), the last
    /// only where it is read (<see cref="ResidualAttentionBlock.ForwardAt"/>). For a pooled CLIP tower this
    /// skips most of one block in twelve, forward and backward.
    /// </summary>
    /// <param name="rows">int64 [batch, R]: the positions to keep, per batch item.</param>
    public Tensor ForwardAt(Tensor x, Tensor rows)
    {
        var h = x.alias();
        for (int i = 0; i < resblocks.Count - 1; i++)
        {
            var next = resblocks[i].forward(h);
            h.Dispose();
            h = next;
        }
        using (h) return resblocks[resblocks.Count - 1].ForwardAt(h, rows);
    }
}
