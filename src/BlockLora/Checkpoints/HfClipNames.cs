using System.Text.RegularExpressions;

namespace BlockLora.Checkpoints;

/// <summary>
/// This project's module and parameter names (OpenAI's, with q/k/v split) in Hugging Face <c>CLIPModel</c>'s naming, one
/// table both ways (the HF reader and the HF and PEFT writers use it): <c>visual.transformer.resblocks.3.attn.q_proj</c> is
/// <c>vision_model.encoder.layers.3.self_attn.q_proj</c>, <c>mlp.c_fc</c> is <c>mlp.fc1</c>, <c>ln_1</c> is <c>layer_norm1</c>.
/// </summary>
public static partial class HfClipNames
{
    private static readonly (string Ours, string Hf)[] Whole =
    [
        ("logit_scale", "logit_scale"),
        ("text_projection", "text_projection.weight"),
        ("visual.proj", "visual_projection.weight"),
        ("token_embedding.weight", "text_model.embeddings.token_embedding.weight"),
        ("positional_embedding", "text_model.embeddings.position_embedding.weight"),
        ("visual.class_embedding", "vision_model.embeddings.class_embedding"),
        ("visual.conv1.weight", "vision_model.embeddings.patch_embedding.weight"),
        ("visual.positional_embedding", "vision_model.embeddings.position_embedding.weight"),
    ];

    private static readonly (string Ours, string Hf)[] Prefixes =
    [
        ("ln_final.", "text_model.final_layer_norm."),
        ("visual.ln_pre.", "vision_model.pre_layrnorm."),
        ("visual.ln_post.", "vision_model.post_layernorm."),
    ];

    private static readonly (string Ours, string Hf)[] BlockParts =
    [
        ("attn.", "self_attn."), ("ln_1.", "layer_norm1."), ("ln_2.", "layer_norm2."), ("mlp.c_fc", "mlp.fc1"), ("mlp.c_proj", "mlp.fc2"),
    ];

    /// <summary>Whether HF stores this parameter transposed (the two projections are Linear weights there).</summary>
    public static bool IsTransposed(string ours) => ours is "text_projection" or "visual.proj";

    /// <summary>The HF key of one of our parameters, or of a module path (<c>…attn.q_proj</c> → <c>…self_attn.q_proj</c>).</summary>
    public static string ToHf(string ours)
    {
        foreach (var (o, h) in Whole) if (ours == o) return h;
        foreach (var (o, h) in Prefixes) if (ours.StartsWith(o, StringComparison.Ordinal)) return h + ours[o.Length..];
        var m = BlockName().Match(ours);
        if (m.Success)
        {
            string tower = m.Groups["tower"].Success ? "vision_model" : "text_model";
            string rest = m.Groups["rest"].Value;
            foreach (var (o, h) in BlockParts)
                if (rest.StartsWith(o, StringComparison.Ordinal))
                    return $"{tower}.encoder.layers.{m.Groups["layer"].Value}.{h}{rest[o.Length..]}";
        }
        throw new ArgumentException($"'{ours}' has no Hugging Face CLIPModel name");
    }

    /// <summary>Our name for an HF <c>CLIPModel</c> parameter key, or null when it is not one.</summary>
    public static string? FromHf(string hf)
    {
        foreach (var (o, h) in Whole) if (hf == h) return o;
        foreach (var (o, h) in Prefixes) if (hf.StartsWith(h, StringComparison.Ordinal)) return o + hf[h.Length..];
        return FromHfModule(hf);
    }

    /// <summary>Our module path for an HF module path (or parameter key) of an encoder layer, or null when it is not one.</summary>
    public static string? FromHfModule(string hf)
    {
        var m = HfModuleName().Match(hf);
        if (!m.Success) return null;
        string tower = m.Groups["tower"].Value == "vision" ? "visual.transformer" : "transformer";
        string rest = m.Groups["rest"].Value;
        foreach (var (o, h) in BlockParts)
            if (rest.StartsWith(h, StringComparison.Ordinal))
                return $"{tower}.resblocks.{m.Groups["layer"].Value}.{o}{rest[h.Length..]}";
        return null;
    }

    [GeneratedRegex(@"^(?:(?<tower>visual\.)?transformer)\.resblocks\.(?<layer>\d+)\.(?<rest>.+)$")]
    private static partial Regex BlockName();

    [GeneratedRegex(@"^(?<tower>vision|text)_model\.encoder\.layers\.(?<layer>\d+)\.(?<rest>.+)$")]
    private static partial Regex HfModuleName();
}
