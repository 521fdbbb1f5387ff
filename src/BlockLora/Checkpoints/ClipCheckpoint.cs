using BlockLora.Torch;
using BlockLora.Clip;
using TorchSharp;
using static TorchSharp.torch;

namespace BlockLora.Checkpoints;

/// <summary>Options for loading; heads only matter for OpenAI layouts, which do not record them.</summary>
public sealed record ClipLoadOptions
{
    public int? VisionHeads { get; init; }
    public int? TextHeads { get; init; }
    public string Device { get; init; } = "cpu";
    /// <summary>
    /// The dtype to hold the weights in (<see cref="ClipModel.CastWeights"/>), applied before the checkpoint's tensors
    /// are copied in: an fp16 file goes straight into bf16/fp16 parameters, never through an fp32 copy of its weights.
    /// </summary>
    public ScalarType DType { get; init; } = ScalarType.Float32;
}

/// <summary>The checkpoint layouts users have.</summary>
public enum CheckpointLayout { OpenAiTorchScript, OpenAiSafeTensors, HuggingFaceFolder }

/// <summary>
/// Loads a CLIP from any supported layout as a named pipeline: detect layout → read tensors → rename to
/// OpenAI keys → infer config → strict load (fp32, or the dtype of <see cref="ClipLoadOptions.DType"/>). Every failure is a <see cref="CheckpointException"/>
/// with one line naming the file and the key.
/// </summary>
public static class ClipCheckpoint
{
    public static CheckpointLayout DetectLayout(string path)
    {
        if (Directory.Exists(path)) return CheckpointLayout.HuggingFaceFolder;
        if (!File.Exists(path)) throw new CheckpointException($"{path}: file not found");
        return path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase)
            ? CheckpointLayout.OpenAiSafeTensors
            : CheckpointLayout.OpenAiTorchScript;
    }

    /// <summary>Loads with the weights held in the dtype <paramref name="precision"/> resolves to on <paramref name="device"/> (see <see cref="PrecisionSelection"/>).</summary>
    public static ClipModel Load(string path, Precision precision, string device) =>
        Load(path, new ClipLoadOptions { DType = PrecisionSelection.Resolve(precision, DeviceSelection.Parse(device)) });

    public static ClipModel Load(string path, ClipLoadOptions? options = null)
    {
        options ??= new ClipLoadOptions();
        var (state, visionHeads, textHeads) = ReadOpenAiState(path, options);
        try
        {
            var config = ClipConfigInference.FromOpenAi(state, path, visionHeads, textHeads);
            ClipModel model;
            try { model = new ClipModel(config); }
            catch (ArgumentException e) { throw new CheckpointException($"{path}: inferred sizes are inconsistent ({e.Message})"); }
            if (options.DType != ScalarType.Float32) model.CastWeights(options.DType);
            var keyed = OpenAiStateDict.ToModelKeys(state, path);
            try { OpenAiStateDict.LoadInto(model, keyed, path); }
            catch { model.Dispose(); throw; }
            model.eval();
            return options.Device == "cpu" ? model : model.to(new Device(options.Device));
        }
        finally
        {
            foreach (var t in state.Values) t.Dispose();
        }
    }

    /// <summary>
    /// The sizes of the model a checkpoint holds (what <see cref="Load"/> would build) without building it: only headers
    /// are read (the safetensors header; a TorchScript <c>.pt</c>'s pickle and code), giving shapes on the meta device
    /// with no weights in memory. Fails with the same one-line <see cref="CheckpointException"/> as <see cref="Load"/>.
    /// </summary>
    public static ClipConfig ReadConfig(string path, ClipLoadOptions? options = null)
    {
        // Every tensor made here is the scope's, whichever reader made it.
        using var scope = NewDisposeScope();
        var (state, visionHeads, textHeads) = ReadOpenAiState(path, options ?? new ClipLoadOptions(), shapesOnly: true);
        try { return ClipConfigInference.FromOpenAi(state, path, visionHeads, textHeads); }
        finally
        {
            foreach (var t in state.Values) t.Dispose();
        }
    }

    /// <summary>The checkpoint's tensors under OpenAI's names, whatever the layout (shapes only where the layout allows, with <paramref name="shapesOnly"/>).</summary>
    public static (Dictionary<string, Tensor> State, int? VisionHeads, int? TextHeads) ReadOpenAiState(string path, ClipLoadOptions options, bool shapesOnly = false)
    {
        switch (DetectLayout(path))
        {
            case CheckpointLayout.HuggingFaceFolder:
                var hf = HuggingFaceClipReader.Read(path, shapesOnly);
                return (hf.OpenAiState, options.VisionHeads ?? hf.VisionHeads, options.TextHeads ?? hf.TextHeads);
            case CheckpointLayout.OpenAiSafeTensors:
                var contents = HuggingFaceClipReader.LoadSafeTensors(path, shapesOnly);
                var tensors = new Dictionary<string, Tensor>(contents.Tensors);
                // A lone HF model.safetensors: rename its keys; heads fall back to width/64.
                if (HuggingFaceClipReader.LooksLikeHfKeys(tensors.Keys)) tensors = HuggingFaceClipReader.ToOpenAi(tensors, path);
                return (tensors, options.VisionHeads, options.TextHeads);
            default:
                return (TorchScriptReader.Read(path, shapesOnly), options.VisionHeads, options.TextHeads);
        }
    }
}
