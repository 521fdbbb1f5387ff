using System.Text.Json;
using System.Text.Json.Nodes;
using BlockLora.Clip;

namespace BlockLora.Checkpoints;

/// <summary>
/// The <c>config.json</c> of a Hugging Face <c>CLIPModel</c> folder, written and read here only: what
/// <c>transformers</c>' <c>CLIPModel.from_pretrained</c> needs to build the model (text and vision configs, projection
/// dimension, QuickGELU, layer-norm epsilon, the tokenizer's special ids), and what the HF reader reads back (the head
/// counts, which the weights' shapes do not give).
/// </summary>
public static class HfClipConfigFile
{
    public const string FileName = "config.json";

    /// <summary>The attention head counts of both towers; throws <see cref="CheckpointException"/> naming the file when they are not there.</summary>
    public static (int Vision, int Text) ReadHeads(string configPath)
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

    public static JsonObject Build(ClipConfig config) => new()
    {
        ["architectures"] = new JsonArray("CLIPModel"),
        ["model_type"] = "clip",
        ["projection_dim"] = config.EmbedDim,
        // ln(1/0.07), transformers' default; the trained value is the logit_scale tensor in model.safetensors.
        ["logit_scale_init_value"] = 2.6592,
        ["torch_dtype"] = "float32",
        ["text_config"] = new JsonObject
        {
            ["model_type"] = "clip_text_model",
            ["hidden_size"] = config.TextWidth,
            ["intermediate_size"] = config.TextWidth * config.MlpRatio,
            ["num_attention_heads"] = config.TextHeads,
            ["num_hidden_layers"] = config.TextLayers,
            ["max_position_embeddings"] = config.ContextLength,
            ["vocab_size"] = config.VocabSize,
            ["hidden_act"] = "quick_gelu",
            ["layer_norm_eps"] = 1e-5,
            // OpenAI's BPE: <|startoftext|> 49406, <|endoftext|> 49407, which transformers uses to pick the pooled token.
            ["bos_token_id"] = 49406,
            ["eos_token_id"] = 49407,
            ["pad_token_id"] = 1,
            ["projection_dim"] = config.EmbedDim,
        },
        ["vision_config"] = new JsonObject
        {
            ["model_type"] = "clip_vision_model",
            ["hidden_size"] = config.VisionWidth,
            ["intermediate_size"] = config.VisionWidth * config.MlpRatio,
            ["num_attention_heads"] = config.VisionHeads,
            ["num_hidden_layers"] = config.VisionLayers,
            ["image_size"] = config.ImageResolution,
            ["patch_size"] = config.PatchSize,
            ["hidden_act"] = "quick_gelu",
            ["layer_norm_eps"] = 1e-5,
            ["num_channels"] = 3,
            ["projection_dim"] = config.EmbedDim,
        },
    };

    /// <summary>OpenAI's releases on the Hugging Face hub by their sizes (keys are the adapters' <c>BaseFingerprint</c>; from their config.json files).</summary>
    private static readonly Dictionary<string, string> OpenAiReleases = new(StringComparer.Ordinal)
    {
        ["vision=768x12h12/p32/224;text=512x12h8/ctx77/vocab49408;embed=512;mlp=4"] = "openai/clip-vit-base-patch32",
        ["vision=768x12h12/p16/224;text=512x12h8/ctx77/vocab49408;embed=512;mlp=4"] = "openai/clip-vit-base-patch16",
        ["vision=1024x24h16/p14/224;text=768x12h12/ctx77/vocab49408;embed=768;mlp=4"] = "openai/clip-vit-large-patch14",
        ["vision=1024x24h16/p14/336;text=768x12h12/ctx77/vocab49408;embed=768;mlp=4"] = "openai/clip-vit-large-patch14-336",
    };

    /// <summary>The Hugging Face id of OpenAI's release with these sizes, or null when none matches.</summary>
    public static string? OpenAiModelId(string baseFingerprint) => OpenAiReleases.GetValueOrDefault(baseFingerprint);
}
