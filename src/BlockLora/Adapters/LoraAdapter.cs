using static TorchSharp.torch;

namespace BlockLora.Adapters;

/// <summary>LoRA: the down-projection is A [r, k] applied to the whole input, ΔW = B·A.</summary>
public sealed class LoraAdapter(long inFeatures, long outFeatures, int rank, double scaling, double dropout, Device? device = null)
    : LowRankAdapter(inFeatures, outFeatures, rank, blocks: 1, scaling, dropout, device)
{
    public override AdapterMethod Method => AdapterMethod.Lora;

    protected override Tensor ProjectDown(Tensor x, Tensor a) => nn.functional.linear(x, a);

    protected override Tensor DenseDownProjection(Tensor a) => a.alias();
}
