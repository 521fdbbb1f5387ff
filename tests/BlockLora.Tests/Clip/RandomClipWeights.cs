using BlockLora.Clip;
using static TorchSharp.torch;

namespace BlockLora.Tests.Clip;

/// <summary>A random OpenAI-named state dict for any <see cref="ClipConfig"/> (layer norms randomised too).</summary>
public static class RandomClipWeights
{
    public static Dictionary<string, Tensor> Create(ClipConfig c, long seed)
    {
        var g = new TorchSharp.torch.Generator((ulong)seed);
        Tensor R(params long[] shape) => randn(shape, generator: g) * 0.05;
        Tensor Ln(long w) => 1 + randn(w, generator: g) * 0.1;
        var s = new Dictionary<string, Tensor>
        {
            ["visual.conv1.weight"] = R(c.VisionWidth, 3, c.PatchSize, c.PatchSize),
            ["visual.class_embedding"] = R(c.VisionWidth),
            ["visual.positional_embedding"] = R(c.GridSize * c.GridSize + 1, c.VisionWidth),
            ["visual.ln_pre.weight"] = Ln(c.VisionWidth), ["visual.ln_pre.bias"] = R(c.VisionWidth),
            ["visual.ln_post.weight"] = Ln(c.VisionWidth), ["visual.ln_post.bias"] = R(c.VisionWidth),
            ["visual.proj"] = R(c.VisionWidth, c.EmbedDim),
            ["token_embedding.weight"] = R(c.VocabSize, c.TextWidth),
            ["positional_embedding"] = R(c.ContextLength, c.TextWidth),
            ["ln_final.weight"] = Ln(c.TextWidth), ["ln_final.bias"] = R(c.TextWidth),
            ["text_projection"] = R(c.TextWidth, c.EmbedDim),
            ["logit_scale"] = tensor(MathF.Log(100f)),
        };
        void Blocks(string prefix, int layers, int w)
        {
            for (int i = 0; i < layers; i++)
            {
                string p = $"{prefix}.resblocks.{i}";
                s[p + ".attn.in_proj_weight"] = R(3 * w, w); s[p + ".attn.in_proj_bias"] = R(3 * w);
                s[p + ".attn.out_proj.weight"] = R(w, w); s[p + ".attn.out_proj.bias"] = R(w);
                s[p + ".ln_1.weight"] = Ln(w); s[p + ".ln_1.bias"] = R(w);
                s[p + ".ln_2.weight"] = Ln(w); s[p + ".ln_2.bias"] = R(w);
                s[p + ".mlp.c_fc.weight"] = R(4 * w, w); s[p + ".mlp.c_fc.bias"] = R(4 * w);
                s[p + ".mlp.c_proj.weight"] = R(w, 4 * w); s[p + ".mlp.c_proj.bias"] = R(w);
            }
        }
        Blocks("visual.transformer", c.VisionLayers, c.VisionWidth);
        Blocks("transformer", c.TextLayers, c.TextWidth);
        return s;
    }

    /// <summary>Small configs that differ from clip-tiny in patch, widths, layer counts and heads.</summary>
    public static ClipConfig Small(int patch, int resolution, int visionWidth, int visionLayers, int visionHeads,
        int textWidth, int textLayers, int textHeads, int embed = 32, int vocab = 49408) => new()
    {
        EmbedDim = embed, ImageResolution = resolution, VisionLayers = visionLayers, VisionWidth = visionWidth,
        VisionHeads = visionHeads, PatchSize = patch, ContextLength = 77, VocabSize = vocab,
        TextWidth = textWidth, TextHeads = textHeads, TextLayers = textLayers,
    };
}
