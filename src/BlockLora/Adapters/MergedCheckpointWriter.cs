using BlockLora.Clip;
using BlockLora.IO;
using static TorchSharp.torch;

namespace BlockLora.Adapters;

/// <summary>
/// Writes a CLIP, with an adapter set merged in, as an OpenAI-named safetensors file (fp32 unless asked otherwise) that
/// <see cref="Checkpoints.ClipCheckpoint.Load"/> reads back: q/k/v weights and biases are fused back
/// into <c>in_proj_weight</c>/<c>in_proj_bias</c> (row thirds, q first), every other key is the
/// model's own. The model is left as it was found (a set merged here is unmerged again).
/// </summary>
public static class MergedCheckpointWriter
{
    public const string FormatName = "blora-merged-clip";

    /// <param name="adapters">A set attached to <paramref name="model"/> to merge in; null writes the model's current weights.</param>
    /// <param name="metadata">Extra string metadata (provenance); the adapter's own config is recorded under <c>adapter.*</c>.</param>
    /// <param name="dtype">Float32 (default) or Float16/BFloat16 to halve the file (the loader upcasts to fp32).</param>
    public static void Write(string path, ClipModel model, AdapterSet? adapters = null, IReadOnlyDictionary<string, string>? metadata = null,
        ScalarType dtype = ScalarType.Float32)
    {
        if (dtype is not (ScalarType.Float32 or ScalarType.Float16 or ScalarType.BFloat16))
            throw new ArgumentException($"checkpoints are written as Float32, Float16 or BFloat16, not {dtype}");
        MergedWeights.Use(model, adapters, () => WriteState(path, model, adapters, metadata, dtype));
    }

    private static void WriteState(string path, ClipModel model, AdapterSet? adapters, IReadOnlyDictionary<string, string>? extra, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
        var state = new List<KeyValuePair<string, Tensor>>();
        foreach (var (name, parameter) in parameters)
        {
            var fused = FusedName(name);
            if (fused is null)
            {
                state.Add(new(name, parameter.detach().to(dtype)));
            }
            else if (fused.Value.Part == "q")
            {
                // OpenAI's in_proj holds q, k, v as row thirds in that order.
                var parts = new[] { "q", "k", "v" }.Select(p => parameters[$"{fused.Value.Prefix}.{p}_proj.{fused.Value.Kind}"].detach().to(dtype)).ToArray();
                state.Add(new($"{fused.Value.Prefix}.in_proj_{fused.Value.Kind}", cat(parts, 0)));
            }
        }
        SafeTensorsFile.Save(path, state, MergedWeights.Metadata(FormatName, adapters, extra));
    }

    /// <summary>For <c>….attn.{q|k|v}_proj.{weight|bias}</c>: the attention prefix, which projection, and weight/bias.</summary>
    private static (string Prefix, string Part, string Kind)? FusedName(string name)
    {
        foreach (var part in new[] { "q", "k", "v" })
        {
            foreach (var kind in new[] { "weight", "bias" })
            {
                string suffix = $".attn.{part}_proj.{kind}";
                if (name.EndsWith(suffix, StringComparison.Ordinal))
                    return (name[..^(suffix.Length - ".attn".Length)], part, kind);
            }
        }
        return null;
    }
}
