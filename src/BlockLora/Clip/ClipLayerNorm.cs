using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BlockLora.Clip;

/// <summary>
/// LayerNorm that always normalises in fp32, as OpenAI's CLIP does for its fp16 weights (<c>LayerNorm</c> subclass in
/// clip/model.py) and as <c>torch.autocast</c> does: the mean and variance of a half-precision residual stream lose
/// too many bits. Its weight and bias stay fp32 when the rest of the model is cast (<see cref="ClipModel.CastWeights"/>);
/// an fp32 input takes exactly <c>layer_norm</c>'s path, so fp32 parity is untouched. Parameter names are
/// <c>weight</c>/<c>bias</c>, as nn.LayerNorm's, so checkpoints load unchanged.
/// </summary>
public sealed class ClipLayerNorm : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter bias;
    private readonly long[] shape;
    private readonly double eps;

    public ClipLayerNorm(long width, double eps = 1e-5) : base(nameof(ClipLayerNorm))
    {
        shape = [width];
        this.eps = eps;
        weight = new Parameter(ones(width));
        bias = new Parameter(zeros(width));
        register_parameter("weight", weight);
        register_parameter("bias", bias);
    }

    public Parameter Weight => weight;
    public Parameter Bias => bias;
    public double Epsilon => eps;

    // Module.to(dtype) casts every registered parameter; a LayerNorm of this model keeps fp32 whatever the rest holds.
    protected override nn.Module _to(ScalarType dtype, bool non_blocking) => this;

    public override Tensor forward(Tensor x)
    {
        if (x.dtype == ScalarType.Float32) return nn.functional.layer_norm(x, shape, weight, bias, eps);
        using var wide = x.to(ScalarType.Float32);
        using var normed = nn.functional.layer_norm(wide, shape, weight, bias, eps);
        return normed.to(x.dtype);
    }
}
