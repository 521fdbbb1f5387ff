using static TorchSharp.torch;

namespace BlockLora.Clip;

/// <summary>OpenAI's activation, x·σ(1.702x): their weights were trained with it, so exact GELU would drift.</summary>
public sealed class QuickGelu : nn.Module<Tensor, Tensor>
{
    public QuickGelu() : base(nameof(QuickGelu)) { }

    public override Tensor forward(Tensor x) => x * sigmoid(KeptScalars.Mul(x, 1.702));
}
