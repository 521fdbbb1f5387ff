using BlockLora.IO;
using static TorchSharp.torch;

namespace BlockLora.Checkpoints;

/// <summary>
/// Reads a Hugging Face <c>CLIPModel</c> folder (<c>config.json</c> + <c>model.safetensors</c>) and renames
/// its keys to OpenAI's, transposing the two projections (HF stores them as Linear weights).
/// </summary>
public static class HuggingFaceClipReader
{
    public sealed record Result(Dictionary<string, Tensor> OpenAiState, int VisionHeads, int TextHeads);

    public static bool LooksLikeHfKeys(IEnumerable<string> keys) => keys.Any(k => k.StartsWith("vision_model.", StringComparison.Ordinal));

    public static Result Read(string folder, bool shapesOnly = false)
    {
        string weights = Path.Combine(folder, "model.safetensors");
        string config = Path.Combine(folder, HfClipConfigFile.FileName);
        if (!File.Exists(weights))
            throw new CheckpointException($"{folder}: Hugging Face folder has no model.safetensors (pytorch_model.bin is not read: it is pickled code)");
        if (!File.Exists(config)) throw new CheckpointException($"{folder}: Hugging Face folder has no config.json");
        var (visionHeads, textHeads) = HfClipConfigFile.ReadHeads(config);
        var contents = LoadSafeTensors(weights, shapesOnly);
        return new Result(ToOpenAi(contents.Tensors, weights), visionHeads, textHeads);
    }

    internal static SafeTensorsFile.Contents LoadSafeTensors(string path, bool shapesOnly = false)
    {
        try { return SafeTensorsFile.Load(path, shapesOnly); }
        catch (FormatException e) { throw new CheckpointException(e.Message); }
    }

    public static Dictionary<string, Tensor> ToOpenAi(IReadOnlyDictionary<string, Tensor> hf, string source)
    {
        var state = new Dictionary<string, Tensor>();
        foreach (var (key, value) in hf)
        {
            if (key.EndsWith("position_ids", StringComparison.Ordinal)) continue;
            string? name = HfClipNames.FromHf(key);
            if (name is null) throw new CheckpointException($"{source}: unexpected key '{key}' for a Hugging Face CLIPModel");
            state[name] = HfClipNames.IsTransposed(name) ? value.t() : value;
        }
        return state;
    }
}
