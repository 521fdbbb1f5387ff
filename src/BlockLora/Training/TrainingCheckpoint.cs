using System.Globalization;
using BlockLora.Adapters;
using BlockLora.IO;
using static TorchSharp.torch;

namespace BlockLora.Training;

/// <summary>
/// A resumable snapshot in one safetensors file: the adapter tensors, the AdamW state (serialised by
/// TorchSharp, stored as a byte tensor) and the iteration reached, plus the configs that must match to
/// resume. Written atomically, so a run killed mid-save resumes from the previous snapshot.
/// </summary>
public static class TrainingCheckpoint
{
    private const string OptimizerKey = "__optimizer_state__";

    public static void Save(string path, AdapterSet adapters, TorchSharp.Modules.AdamW optimizer, int iteration, string fingerprint)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true)) optimizer.save_state_dict(writer);
        using var optimizerBytes = tensor(buffer.ToArray(), ScalarType.Byte);
        var tensors = adapters.NamedParameters().Select(p => new KeyValuePair<string, Tensor>(p.Name, p.Parameter))
            .Append(new KeyValuePair<string, Tensor>(OptimizerKey, optimizerBytes));
        SafeTensorsFile.Save(path, tensors, new Dictionary<string, string>
        {
            ["format"] = "blora-train-checkpoint",
            ["iteration"] = iteration.ToString(CultureInfo.InvariantCulture),
            ["fingerprint"] = fingerprint,
        });
    }

    /// <summary>Restores adapters and optimizer in place; returns the iteration to continue from.</summary>
    public static int Load(string path, AdapterSet adapters, TorchSharp.Modules.AdamW optimizer, string fingerprint)
    {
        SafeTensorsFile.Contents contents;
        try { contents = SafeTensorsFile.Load(path); }
        catch (FormatException e) { throw new InvalidDataException($"cannot resume: {e.Message}"); }
        try
        {
            if (!contents.Metadata.TryGetValue("format", out var format) || format != "blora-train-checkpoint")
                throw new InvalidDataException($"{path}: not a training checkpoint of this project");
            if (contents.Metadata.GetValueOrDefault("fingerprint") != fingerprint)
                throw new InvalidDataException($"{path}: checkpoint was made with other settings (data, adapter or training config); remove it or rerun without --resume");
            using (no_grad())
            {
                foreach (var (name, parameter) in adapters.NamedParameters())
                {
                    if (!contents.Tensors.TryGetValue(name, out var saved) || !saved.shape.SequenceEqual(parameter.shape))
                        throw new InvalidDataException($"{path}: tensor '{name}' is missing or has another shape");
                    parameter.copy_(saved);
                }
            }
            var bytes = contents.Tensors[OptimizerKey].bytes.ToArray();
            using var reader = new BinaryReader(new MemoryStream(bytes));
            optimizer.load_state_dict(reader);
            return int.Parse(contents.Metadata["iteration"], CultureInfo.InvariantCulture);
        }
        finally
        {
            foreach (var t in contents.Tensors.Values) t.Dispose();
        }
    }
}
