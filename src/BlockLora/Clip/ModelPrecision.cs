using BlockLora.Torch;
using static TorchSharp.torch;

namespace BlockLora.Clip;

/// <summary>Puts a loaded model into the compute dtype a run asks for, once, before the run's first forward pass.</summary>
public static class ModelPrecision
{
    /// <summary>
    /// Resolves <paramref name="precision"/> for <paramref name="device"/> (<see cref="PrecisionSelection"/>) and casts
    /// the model's weights to it when they are still fp32. A model already held in a narrower dtype cannot be widened
    /// without the dropped bits, so asking it for another dtype is an error: load the checkpoint again. Returns the dtype.
    /// </summary>
    public static ScalarType Apply(ClipModel model, Precision precision, Device device, Action<string>? warn = null)
    {
        var capabilities = DeviceCapabilities.Of(device);
        var dtype = PrecisionSelection.Resolve(precision, capabilities);
        if (PrecisionSelection.Warning(dtype, capabilities) is { } warning) warn?.Invoke(warning);
        Cast(model, dtype);
        return dtype;
    }

    /// <summary>Casts fp32 weights to an already resolved <paramref name="dtype"/>; a no-op when the model is in it.</summary>
    public static void Cast(ClipModel model, ScalarType dtype)
    {
        if (model.ComputeDType == dtype) return;
        if (model.ComputeDType != ScalarType.Float32)
            throw new InvalidOperationException($"the model is held in {PrecisionSelection.Name(model.ComputeDType)}; load the checkpoint again to run in {PrecisionSelection.Name(dtype)}");
        model.CastWeights(dtype);
    }
}
