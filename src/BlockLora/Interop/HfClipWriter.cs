using System.Text.Json;
using BlockLora.Adapters;
using BlockLora.Checkpoints;
using BlockLora.Clip;
using BlockLora.IO;
using static TorchSharp.torch;

namespace BlockLora.Interop;

/// <summary>
/// Writes a CLIP, with an adapter set merged in, as a Hugging Face <c>CLIPModel</c> folder: <c>model.safetensors</c> with
/// HF's key names (q/k/v split, the projections transposed) and <c>config.json</c>. The folder is assembled beside the
/// target and renamed into place, so a failed write leaves no half folder; the model is left as it was found.
/// </summary>
public static class HfClipWriter
{
    public const string WeightsFileName = "model.safetensors";

    /// <param name="replaceNonEmpty">Replace a folder that already holds files (otherwise refused, so nothing of the user's is lost).</param>
    public static void Write(string folder, ClipModel model, AdapterSet? adapters = null, IReadOnlyDictionary<string, string>? metadata = null, bool replaceNonEmpty = false)
    {
        MergedWeights.Use(model, adapters, () =>
            AtomicFolder.Write(folder, staging =>
            {
                using var scope = NewDisposeScope();
                using var _ = no_grad();
                var state = model.named_parameters()
                    .Select(p => new KeyValuePair<string, Tensor>(HfClipNames.ToHf(p.name),
                        (HfClipNames.IsTransposed(p.name) ? p.parameter.detach().t() : p.parameter.detach()).to(ScalarType.Float32).contiguous()))
                    .ToList();
                // "pt" is the format transformers' safetensors loader expects.
                SafeTensorsFile.Save(Path.Combine(staging, WeightsFileName), state, MergedWeights.Metadata("pt", adapters, metadata));
                File.WriteAllText(Path.Combine(staging, HfClipConfigFile.FileName), HfClipConfigFile.Build(model.Config).ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
            }, replaceNonEmpty));
    }
}
