using System.Text.Json;
using System.Text.RegularExpressions;
using BlockLora.IO;
using static TorchSharp.torch;

namespace BlockLora.Checkpoints;

/// <summary>
/// Reads a Hugging Face <c>CLIPModel</c> folder (<c>config.json</c> + <c>model.safetensors</c>) and renames
/// its keys to OpenAI's, transposing the two projections (HF stores them as Linear weights).
/// </summary>
public static partial class HuggingFaceClipReader
{
    public sealed record Result(Dictionary<string, Tensor> OpenAiState, int VisionHeads, int TextHeads);

    public static bool LooksLikeHfKeys(IEnumerable<string> keys) => keys.Any(k => k.StartsWith("vision_model.", StringComparison.Ordinal));

    public static Result Read(string folder, bool shapesOnly = false)
    {
        string weights = Path.Combine(folder, "model.safetensors");
        string config = Path.Combine(folder, "config.json");
        if (!File.Exists(weights))
            throw new CheckpointException($"{folder}: Hugging Face folder has no model.safetensors (pytorch_model.bin is not read: it is pickled code)");
        if (!File.Exists(config)) throw new CheckpointException($"{folder}: Hugging Face folder has no config.json");
        var (visionHeads, textHeads) = ReadHeads(config);
        var contents = LoadSafeTensors(weights, shapesOnly);
        return new Result(ToOpenAi(contents.Tensors, weights), visionHeads, textHeads);
    }

    internal static SafeTensorsFile.Contents LoadSafeTensors(string path, bool shapesOnly = false)
    {
        try { return SafeTensorsFile.Load(path, shapesOnly); }
        catch (FormatException e) { throw new CheckpointException(e.Message); }
    }

    private static (int Vision, int Text) ReadHeads(string configPath)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(configPath));
            int Heads(string section) => doc.RootElement.GetProperty(section).GetProperty("num_attention_heads").GetInt32();
            return (Heads("vision_config"), Heads("text_config"));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new CheckpointException($"{configPath}: not a CLIPModel config (needs vision_config/text_config.num_attention_heads)");
        }
    }

    public static Dictionary<string, Tensor> ToOpenAi(IReadOnlyDictionary<string, Tensor> hf, string source)
    {
        var state = new Dictionary<string, Tensor>();
        foreach (var (key, value) in hf)
        {
            if (key.EndsWith("position_ids", StringComparison.Ordinal)) continue;
            string? name = MapKey(key);
            if (name is null) throw new CheckpointException($"{source}: unexpected key '{key}' for a Hugging Face CLIPModel");
            state[name] = name is "text_projection" or "visual.proj" ? value.t() : value;
        }
        return state;
    }

    private static string? MapKey(string key)
    {
        switch (key)
        {
            case "logit_scale": return "logit_scale";
            case "text_projection.weight": return "text_projection";
            case "visual_projection.weight": return "visual.proj";
            case "text_model.embeddings.token_embedding.weight": return "token_embedding.weight";
            case "text_model.embeddings.position_embedding.weight": return "positional_embedding";
            case "vision_model.embeddings.class_embedding": return "visual.class_embedding";
            case "vision_model.embeddings.patch_embedding.weight": return "visual.conv1.weight";
            case "vision_model.embeddings.position_embedding.weight": return "visual.positional_embedding";
        }
        foreach (var (hfPrefix, openAi) in new[]
        {
            ("text_model.final_layer_norm.", "ln_final."),
            ("vision_model.pre_layrnorm.", "visual.ln_pre."),
            ("vision_model.post_layernorm.", "visual.ln_post."),
        })
            if (key.StartsWith(hfPrefix, StringComparison.Ordinal)) return openAi + key[hfPrefix.Length..];

        var m = LayerKey().Match(key);
        if (!m.Success) return null;
        string tower = m.Groups["tower"].Value == "vision" ? "visual.transformer" : "transformer";
        string inner = m.Groups["rest"].Value switch
        {
            var r when r.StartsWith("self_attn.", StringComparison.Ordinal) => "attn." + r["self_attn.".Length..],
            var r when r.StartsWith("layer_norm1.", StringComparison.Ordinal) => "ln_1." + r["layer_norm1.".Length..],
            var r when r.StartsWith("layer_norm2.", StringComparison.Ordinal) => "ln_2." + r["layer_norm2.".Length..],
            var r when r.StartsWith("mlp.fc1.", StringComparison.Ordinal) => "mlp.c_fc." + r["mlp.fc1.".Length..],
            var r when r.StartsWith("mlp.fc2.", StringComparison.Ordinal) => "mlp.c_proj." + r["mlp.fc2.".Length..],
            _ => "",
        };
        return inner.Length == 0 ? null : $"{tower}.resblocks.{m.Groups["layer"].Value}.{inner}";
    }

    [GeneratedRegex(@"^(?<tower>vision|text)_model\.encoder\.layers\.(?<layer>\d+)\.(?<rest>.+)$")]
    private static partial Regex LayerKey();
}
