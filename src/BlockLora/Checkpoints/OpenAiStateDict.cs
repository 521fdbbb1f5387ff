using BlockLora.Clip;
using static TorchSharp.torch;

namespace BlockLora.Checkpoints;

/// <summary>
/// Loads an OpenAI-named state dict into a <see cref="ClipModel"/>: splits the fused <c>in_proj</c> into
/// q/k/v, converts to fp32, and is strict: a missing, unexpected or mis-shaped key is an error that
/// names the key and both shapes.
/// </summary>
public static class OpenAiStateDict
{
    /// <summary>Metadata buffers of OpenAI's TorchScript archives that carry no weights.</summary>
    private static readonly HashSet<string> IgnoredKeys = ["input_resolution", "context_length", "vocab_size"];

    /// <summary>The model's own key for every OpenAI key (in_proj expands to three).</summary>
    public static Dictionary<string, Tensor> ToModelKeys(IReadOnlyDictionary<string, Tensor> state, string source)
    {
        var mapped = new Dictionary<string, Tensor>();
        foreach (var (key, value) in state)
        {
            if (IgnoredKeys.Contains(key)) continue;
            if (key.EndsWith(".attn.in_proj_weight", StringComparison.Ordinal) || key.EndsWith(".attn.in_proj_bias", StringComparison.Ordinal))
            {
                string prefix = key[..key.LastIndexOf(".in_proj_", StringComparison.Ordinal)];
                string kind = key.EndsWith("weight", StringComparison.Ordinal) ? "weight" : "bias";
                if (value.shape[0] % 3 != 0)
                    throw new CheckpointException($"{source}: '{key}' has shape {ClipConfigInference.Shape(value)}; its first dimension must be 3 x width");
                var parts = value.chunk(3, 0);
                mapped[$"{prefix}.q_proj.{kind}"] = parts[0];
                mapped[$"{prefix}.k_proj.{kind}"] = parts[1];
                mapped[$"{prefix}.v_proj.{kind}"] = parts[2];
                continue;
            }
            mapped[key] = value;
        }
        return mapped;
    }

    /// <summary>Copies the tensors into the model's parameters (fp32), strictly.</summary>
    public static void LoadInto(ClipModel model, IReadOnlyDictionary<string, Tensor> modelKeyed, string source)
    {
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, parameter) in parameters)
        {
            if (!modelKeyed.TryGetValue(name, out var value))
                throw new CheckpointException($"{source}: missing key '{OpenAiName(name)}' (expected shape {ClipConfigInference.Shape(parameter)})");
            if (!value.shape.SequenceEqual(parameter.shape))
                throw new CheckpointException($"{source}: key '{OpenAiName(name)}' has shape {ClipConfigInference.Shape(value)}, expected {ClipConfigInference.Shape(parameter)}");
        }
        var unexpected = modelKeyed.Keys.Where(k => !parameters.ContainsKey(k)).ToList();
        if (unexpected.Count > 0)
            throw new CheckpointException($"{source}: unexpected key '{unexpected[0]}'" + (unexpected.Count > 1 ? $" (and {unexpected.Count - 1} more)" : "") + "; not an OpenAI CLIP ViT layout");

        using var _ = no_grad();
        foreach (var (name, parameter) in parameters)
        {
            // Straight into the parameter's dtype (fp32, or the compute dtype the model was cast to before loading).
            using var value = modelKeyed[name].to(parameter.dtype, parameter.device);
            if (!value.isfinite().all().item<bool>())
                throw new CheckpointException($"{source}: key '{OpenAiName(name)}' holds non-finite values");
            parameter.copy_(value);
        }
    }

    /// <summary>The key as a user sees it in an OpenAI file (q/k/v live inside <c>in_proj</c> there).</summary>
    private static string OpenAiName(string modelKey)
    {
        foreach (var p in new[] { "q_proj", "k_proj", "v_proj" })
        {
            string marker = $".attn.{p}.";
            int at = modelKey.IndexOf(marker, StringComparison.Ordinal);
            if (at >= 0) return modelKey[..at] + ".attn.in_proj_" + modelKey[(at + marker.Length)..] + $" ({p[0]} rows)";
        }
        return modelKey;
    }
}
