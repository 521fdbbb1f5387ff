using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BlockLora.Adapters;

/// <summary>
/// How every adapter holds its tensors: parameters outside any dispose scope (an adapter outlives the scope that built
/// it), and a move to another device that frees the old storage at once instead of leaving it to the GC.
/// </summary>
internal static class AdapterParameters
{
    public static Parameter New(Tensor data, bool requiresGrad = true)
    {
        var parameter = new Parameter(data, requires_grad: requiresGrad);
        parameter.DetachFromDisposeScope();
        return parameter;
    }

    public static Parameter Moved(Parameter parameter, Device device)
    {
        using var _ = no_grad();
        using var detached = parameter.detach();
        var moved = new Parameter(detached.to(device), parameter.requires_grad);
        moved.DetachFromDisposeScope();
        parameter.Dispose();
        return moved;
    }
}
