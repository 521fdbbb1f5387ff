using BlockLora.Torch;
using TorchSharp;

namespace BlockLora.Clip;

/// <summary>
/// Puts a loaded model on a run's device in its compute dtype, once, before its first forward pass; training and
/// evaluation then compute wherever the model is, so no later stage moves it or resolves the dtype again.
/// </summary>
public static class ModelPlacement
{
    /// <summary>
    /// Warns about a slow choice, casts the weights (<see cref="ModelPrecision.Cast"/>: refused for a model already held
    /// in another narrow dtype) and moves the model to <see cref="ComputeTarget.Device"/>.
    /// </summary>
    public static void Place(ClipModel model, ComputeTarget target, Action<string>? warn = null)
    {
        if (target.Warning is { } warning) warn?.Invoke(warning);
        ModelPrecision.Cast(model, target.DType);
        model.to(target.Device);
    }
}
