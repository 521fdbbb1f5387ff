using static TorchSharp.torch;

namespace BlockLora.Clip;

/// <summary>The block's feed-forward: c_fc → QuickGELU → c_proj, both adaptable.</summary>
public sealed class Mlp : nn.Module<Tensor, Tensor>
{
    private readonly AdaptableLinear c_fc;
    private readonly QuickGelu gelu;
    private readonly AdaptableLinear c_proj;

    public Mlp(int width, int hidden) : base(nameof(Mlp))
    {
        c_fc = new AdaptableLinear(width, hidden);
        gelu = new QuickGelu();
        c_proj = new AdaptableLinear(hidden, width);
        RegisterComponents();
    }

    public AdaptableLinear Fc => c_fc;
    public AdaptableLinear Proj => c_proj;

    public override Tensor forward(Tensor x)
    {
        using var h = c_fc.forward(x);
        using var a = gelu.forward(h);
        return c_proj.forward(a);
    }
}
