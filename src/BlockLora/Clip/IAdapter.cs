using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BlockLora.Clip;

/// <summary>
/// What an <see cref="AdaptableLinear"/> slot holds: trainable tensors that change a frozen linear map. An adapter
/// gets the frozen layer and its base output, so it may add a path beside it (LoRA, Block-LoRA) or rescale it
/// (DoRA's magnitude); methods differ only inside their implementations of this contract.
/// </summary>
public interface IAdapter : IDisposable
{
    /// <summary>Input width k of the adapted matrix.</summary>
    long InFeatures { get; }

    /// <summary>Output width d of the adapted matrix.</summary>
    long OutFeatures { get; }

    /// <summary>
    /// The adapted layer's output for input [..., k], given <paramref name="baseOutput"/> = W0·x + b (which the slot
    /// disposes afterwards unless it is returned). Dropout and other training-only behaviour apply only when <paramref name="training"/>.
    /// </summary>
    Tensor Forward(Tensor x, Tensor baseOutput, FrozenLinear layer, bool training);

    /// <summary>
    /// The weight [d, k] in fp32 on the layer's device that makes the plain layer compute what <see cref="Forward"/>
    /// computes, from the frozen W0 of <paramref name="layer"/>; for merging only (never built during training).
    /// The bias is not merged into, so a method must leave it as it is.
    /// </summary>
    Tensor MergedWeight(FrozenLinear layer);

    /// <summary>Trainable tensors by their adapter-file suffix (<c>lora_A</c>, <c>lora_B</c> for the low-rank methods).</summary>
    IReadOnlyList<(string Name, Parameter Parameter)> NamedParameters { get; }

    /// <summary>
    /// Called by the slot when the adapter is attached to <paramref name="layer"/>: a method whose fresh state depends on
    /// W0 (DoRA's magnitude ‖W0‖) initialises it here; tensors already loaded or set stay as they are.
    /// </summary>
    void Attached(FrozenLinear layer)
    {
    }

    /// <summary>Moves the adapter's tensors to a device (adapters are not registered children of the slot).</summary>
    void MoveTo(Device device);
}
