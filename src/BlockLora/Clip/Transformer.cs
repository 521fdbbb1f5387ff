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
}
