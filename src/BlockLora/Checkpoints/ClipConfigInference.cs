using BlockLora.Clip;
using static TorchSharp.torch;

namespace BlockLora.Checkpoints;

/// <summary>Reads a <see cref="ClipConfig"/> off an OpenAI-named state dict, as OpenAI's <c>build_model</c> does.</summary>
public static class ClipConfigInference
{
    /// <param name="visionHeads">Overrides OpenAI's width/64 rule (OpenAI weights do not record heads).</param>
    public static ClipConfig FromOpenAi(IReadOnlyDictionary<string, Tensor> state, string source, int? visionHeads = null, int? textHeads = null)
    {
        Tensor Get(string key) => state.TryGetValue(key, out var t) ? t
            : throw new CheckpointException($"{source}: missing key '{key}'; is this an OpenAI CLIP ViT checkpoint?");

        var conv = Get("visual.conv1.weight");
        if (conv.ndim != 4) throw new CheckpointException($"{source}: 'visual.conv1.weight' has shape {Shape(conv)}, expected [width, 3, patch, patch]");
        int visionWidth = (int)conv.shape[0];
        int patch = (int)conv.shape[^1];
        int visionLayers = CountLayers(state, "visual.transformer.resblocks.");
        int positions = (int)Get("visual.positional_embedding").shape[0];
        int grid = (int)Math.Round(Math.Sqrt(positions - 1));
        if (grid * grid + 1 != positions)
            throw new CheckpointException($"{source}: 'visual.positional_embedding' has {positions} rows, not a square grid plus the class token");
        int textWidth = (int)Get("ln_final.weight").shape[0];
        int textLayers = CountLayers(state, "transformer.resblocks.");
        if (visionLayers == 0) throw new CheckpointException($"{source}: no 'visual.transformer.resblocks.*' keys");
        if (textLayers == 0) throw new CheckpointException($"{source}: no 'transformer.resblocks.*' keys");
        int mlpHidden = (int)Get("visual.transformer.resblocks.0.mlp.c_fc.weight").shape[0];
        return new ClipConfig
        {
            EmbedDim = (int)Get("text_projection").shape[^1],
            ImageResolution = patch * grid,
            VisionLayers = visionLayers,
            VisionWidth = visionWidth,
            VisionHeads = visionHeads ?? Math.Max(1, visionWidth / 64),
            PatchSize = patch,
            ContextLength = (int)Get("positional_embedding").shape[0],
            VocabSize = (int)Get("token_embedding.weight").shape[0],
            TextWidth = textWidth,
            TextHeads = textHeads ?? Math.Max(1, textWidth / 64),
            TextLayers = textLayers,
            MlpRatio = Math.Max(1, mlpHidden / visionWidth),
        };
    }

    public static string Shape(Tensor t) => "[" + string.Join(", ", t.shape) + "]";

    private static int CountLayers(IReadOnlyDictionary<string, Tensor> state, string prefix) =>
        state.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal))
            .Select(k => k[prefix.Length..].Split('.')[0])
            .Distinct().Count();
}
