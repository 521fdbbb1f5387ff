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
    private const string LossScaleKey = "loss_scale";
    private const string GoodStepsKey = "loss_scale_good_steps";
    private const string SkippedStepsKey = "loss_scale_skipped_steps";

    public static void Save(string path, AdapterSet adapters, TorchSharp.Modules.AdamW optimizer, int iteration, string fingerprint, LossScaler? scaler = null)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true)) optimizer.save_state_dict(writer);
        using var optimizerBytes = tensor(buffer.ToArray(), ScalarType.Byte);
        var tensors = adapters.TrainableNamedParameters().Select(p => new KeyValuePair<string, Tensor>(p.Name, p.Parameter))
            .Append(new KeyValuePair<string, Tensor>(OptimizerKey, optimizerBytes));
        var metadata = new Dictionary<string, string>
        {
            ["format"] = "blora-train-checkpoint",
            ["iteration"] = iteration.ToString(CultureInfo.InvariantCulture),
            ["fingerprint"] = fingerprint,
        };
        if (scaler is not null)
        {
            var (scale, good, skipped) = scaler.State;
            metadata[LossScaleKey] = scale.ToString("R", CultureInfo.InvariantCulture);
            metadata[GoodStepsKey] = good.ToString(CultureInfo.InvariantCulture);
            metadata[SkippedStepsKey] = skipped.ToString(CultureInfo.InvariantCulture);
        }
        SafeTensorsFile.Save(path, tensors, metadata);
    }

    /// <summary>Restores adapters, optimizer and (fp16) loss scaler in place; returns the iteration to continue from.</summary>
    public static int Load(string path, AdapterSet adapters, TorchSharp.Modules.AdamW optimizer, string fingerprint, LossScaler? scaler = null)
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
                foreach (var (name, parameter) in adapters.TrainableNamedParameters())
                {
                    if (!contents.Tensors.TryGetValue(name, out var saved) || !saved.shape.SequenceEqual(parameter.shape))
                        throw new InvalidDataException($"{path}: tensor '{name}' is missing or has another shape");
                    parameter.copy_(saved);
                }
            }
            var bytes = contents.Tensors[OptimizerKey].bytes.ToArray();
            using var reader = new BinaryReader(new MemoryStream(bytes));
            optimizer.load_state_dict(reader);
            if (scaler is not null)
            {
                if (!contents.Metadata.TryGetValue(LossScaleKey, out var scale))
                    throw new InvalidDataException($"{path}: checkpoint has no loss-scaler state (it was not written by an fp16 run)");
                scaler.Restore((double.Parse(scale, CultureInfo.InvariantCulture),
                    int.Parse(contents.Metadata[GoodStepsKey], CultureInfo.InvariantCulture),
                    int.Parse(contents.Metadata[SkippedStepsKey], CultureInfo.InvariantCulture)));
            }
            return int.Parse(contents.Metadata["iteration"], CultureInfo.InvariantCulture);
        }
        finally
        {
            foreach (var t in contents.Tensors.Values) t.Dispose();
        }
    }
}
