using BlockLora.Clip;
using static TorchSharp.torch;

namespace BlockLora.Adapters;

/// <summary>
/// Puts a config's adapters on a CLIP: selects matrices by encoder, layer and target (from the model's
/// own sizes, so any CLIP works), creates and initialises one adapter per matrix, attaches them to the
/// slots and freezes the base. Base weights are not touched: B = 0, so the model computes what it did.
/// </summary>
public static class AdapterInjector
{
    /// <summary>Creates, attaches and returns a fresh adapter set; the model's own parameters are frozen.</summary>
    public static AdapterSet Inject(ClipModel model, AdapterConfig config)
    {
        var set = Create(model.Config, config, DeviceOf(model));
        try
        {
            set.AttachTo(model);
            set.InitializeFromBase();
        }
        catch
        {
            set.Dispose();
            throw;
        }
        FreezeBase(model);
        return set;
    }

    /// <summary>A fresh, unattached set for a CLIP of the given sizes (to attach later, e.g. through an <see cref="AdapterBank"/>).</summary>
    public static AdapterSet Create(ClipConfig clip, AdapterConfig config, Device? device = null)
    {
        var matrices = config.SelectMatrices(clip);
        var registration = AdapterMethodRegistry.For(config);
        var adapters = registration.CreateAll(matrices, config, device);
        try
        {
            return new AdapterSet(config, clip, matrices.Zip(adapters).ToList());
        }
        catch
        {
            foreach (var adapter in adapters) adapter.Dispose();
            throw;
        }
    }

    /// <summary>Sets requires_grad = false on every parameter of the model (adapters are not model parameters, so they stay trainable).</summary>
    public static void FreezeBase(ClipModel model)
    {
        foreach (var parameter in model.parameters()) parameter.requires_grad = false;
    }

    internal static Device DeviceOf(ClipModel model) => model.LogitScale.device;
}
