using static TorchSharp.torch;

namespace BlockLora.Adapters;

/// <summary>LoRA: the down-projection is A [r, k] applied to the whole input, ΔW = B·A.</summary>
public sealed class LoraAdapter(long inFeatures, long outFeatures, int rank, double scaling, double dropout, Device? device = null)
    : LowRankAdapter(inFeatures, outFeatures, rank, blocks: 1, scaling, dropout, device)
{
    public override AdapterMethod Method => AdapterMethod.Lora;

    public static readonly AdapterMethodRegistration Registration = LowRankRegistration(AdapterMethod.Lora,
        (matrix, config, device) => new LoraAdapter(matrix.InFeatures, matrix.OutFeatures, config.Rank, config.ScalingFactor, config.Dropout, device));

    protected override Tensor ProjectDown(Tensor x, Tensor a) => nn.functional.linear(x, a);

    protected override Tensor DenseDownProjection(Tensor a) => a.alias();
}
