using BlockLora.Clip;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BlockLora.Adapters;

/// <summary>
/// An adapter of one of this library's methods: the slot's <see cref="IAdapter"/> contract plus what sets, files and
/// the accounting ask of every method. Method-specific tensors (LoRA's A and B) are reached through the subclass.
/// </summary>
public abstract class MethodAdapter : IAdapter
{
    public abstract AdapterMethod Method { get; }
    public abstract long InFeatures { get; }
    public abstract long OutFeatures { get; }
    public abstract IReadOnlyList<(string Name, Parameter Parameter)> NamedParameters { get; }
    public abstract Device Device { get; }

    public abstract Tensor Forward(Tensor x, Tensor baseOutput, FrozenLinear layer, bool training);
    public abstract Tensor MergedWeight(FrozenLinear layer);
    public abstract void MoveTo(Device device);

    /// <summary>The tensors an optimizer updates (those that require gradients): all but LoRA-FA's A and PiSSA's A0, B0.</summary>
    public IReadOnlyList<(string Name, Parameter Parameter)> TrainableNamedParameters => NamedParameters.Where(p => p.Parameter.requires_grad).ToList();

    /// <summary>Initialisation that needs the frozen layer (PiSSA's SVD of W0); a no-op for most methods. Call before training, unmerged.</summary>
    public virtual void InitializeFromBase(FrozenLinear layer)
    {
    }

    /// <summary>The cost measured on the live tensors, independently of <see cref="AdapterMethodRegistration.Cost"/>'s formula.</summary>
    public abstract AdapterCost MeasuredCost();

    /// <summary>Told that every tensor of <see cref="NamedParameters"/> was just copied in (a load); DoRA then keeps its file's magnitude instead of initialising it from W0.</summary>
    public virtual void ParametersAssigned()
    {
    }

    /// <summary>See <see cref="IAdapter.Attached"/>; nothing for methods whose init needs no base.</summary>
    public virtual void Attached(FrozenLinear layer)
    {
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected abstract void Dispose(bool disposing);
}
