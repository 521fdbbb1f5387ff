using BlockLora.Adapters;
using BlockLora.Clip;

namespace BlockLora.Inference;

/// <summary>Applies an adapter file to a loaded model for inference: attached and run alongside, or merged into the weights.</summary>
public static class AdapterApplication
{
    /// <returns>The attached set (dispose it to remove the adapter), or null when no file is given.</returns>
    public static AdapterSet? Apply(ClipModel model, string? adapterPath, bool merge)
    {
        if (adapterPath is null)
        {
            if (merge) throw new ArgumentException("--merge needs --adapter FILE");
            return null;
        }
        var set = AdapterFile.Load(adapterPath, model);
        if (merge) set.MergeAll();
        model.eval();
        return set;
    }
}
