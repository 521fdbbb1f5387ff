using BlockLora.Torch;
using static TorchSharp.torch;

namespace BlockLora.Clip;

/// <summary>OpenAI's activation, x·σ(1.702x): their weights were trained with it, so exact GELU would drift.</summary>
public sealed class QuickGelu : nn.Module<Tensor, Tensor>
{
    public QuickGelu() : base(nameof(QuickGelu)) { }

    public override Tensor forward(Tensor x)
    {
        // The two [tokens, 4w] temporaries are freed here rather than at the end of the caller's dispose
        // scope: left there, every block's would stay alive for the whole forward pass (hundreds of MiB at
        // ViT-B/16 batch 8) and each new one would be fresh memory to fault in.
        using var scaled = KeptScalars.Mul(x, 1.702);
        using var gate = sigmoid(scaled);
        return x * gate;
    }
}
