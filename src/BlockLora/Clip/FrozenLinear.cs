using static TorchSharp.torch;

namespace BlockLora.Clip;

/// <summary>
/// What an adapter may see of the layer it adapts: the frozen W0 [d, k] and bias [d]. Methods such as DoRA need
/// them (a column norm of W0 + ΔW, the base output without its bias); the tensors are the layer's own, so an adapter
/// reads them and never writes them.
/// </summary>
public readonly record struct FrozenLinear(Tensor Weight, Tensor? Bias)
{
    public long InFeatures => Weight.shape[1];
    public long OutFeatures => Weight.shape[0];
}
