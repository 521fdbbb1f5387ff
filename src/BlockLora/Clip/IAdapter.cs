using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BlockLora.Clip;

/// <summary>
/// What an <see cref="AdaptableLinear"/> slot holds: a trainable low-rank path added to a frozen linear map.
/// LoRA and Block-LoRA differ only inside their implementations of this contract.
/// </summary>
public interface IAdapter : IDisposable
{
    /// <summary>Input width k of the adapted matrix.</summary>
    long InFeatures { get; }

    /// <summary>Output width d of the adapted matrix.</summary>
    long OutFeatures { get; }

    /// <summary>The low-rank path alone, s·ΔW·x, for input [..., k]; dropout applies only when <paramref name="training"/>.</summary>
    Tensor Forward(Tensor x, bool training);

    /// <summary>The dense s·ΔW [d, k] in fp32, for merging only (never built during training).</summary>
    Tensor DeltaWeight();

    /// <summary>Trainable tensors by their adapter-file suffix (<c>lora_A</c>, <c>lora_B</c>).</summary>
    IReadOnlyList<(string Name, Parameter Parameter)> NamedParameters { get; }

    /// <summary>Moves the adapter's tensors to a device (adapters are not registered children of the slot).</summary>
    void MoveTo(Device device);
}
