using BlockLora.Tests.IO;
using static TorchSharp.torch;

namespace BlockLora.Tests.Interop;

/// <summary>
/// CLIP-LoRA's <c>loralib/utils.py</c> (github MaxZanella/CLIP-LoRA) transcribed for tests, independently of
/// the import's own tables: <c>INDEX_POSITIONS_TEXT</c>, <c>INDEX_POSITIONS_VISION</c> keyed by backbone,
/// the blocks <c>apply_lora</c> adapts (null where it raises KeyError, so no file can exist) and a
/// <c>.pt</c> laid out as <c>save_lora</c> writes it.
/// </summary>
internal static class ClipLoraSaveLora
{
    public sealed record Backbone(string Name, int TextLayers, int VisionLayers);

    public static readonly Backbone[] Backbones = [new("ViT-B/16", 12, 12), new("ViT-B/32", 12, 12), new("ViT-L/14", 12, 24)];

    public static Backbone Named(string name) => Backbones.Single(b => b.Name == name);

    private static int[] R(int from, int toInclusive) => Enumerable.Range(from, toInclusive - from + 1).ToArray();

    public static readonly Dictionary<string, int[]> IndexPositionsText = new()
    {
        ["top1"] = [11],
        ["top2"] = [10, 11],
        ["top3"] = [9, 10, 11],
        ["bottom"] = [0, 1, 2, 3],
        ["mid"] = [4, 5, 6, 7],
        ["up"] = [8, 9, 10, 11],
        ["half-up"] = [6, 7, 8, 9, 10, 11],
        ["half-bottom"] = [0, 1, 2, 3, 4, 5],
        ["all"] = R(0, 11),
    };

    public static readonly Dictionary<string, Dictionary<string, int[]>> IndexPositionsVision = new()
    {
        ["ViT-B/16"] = new()
        {
            ["top"] = [11],
            ["top3"] = [9, 10, 11],
            ["bottom"] = [0, 1, 2, 3],
            ["mid"] = [4, 5, 6, 7],
            ["up"] = [8, 9, 10, 11],
            ["half-up"] = [6, 7, 8, 9, 10, 11],
            ["half-bottom"] = [0, 1, 2, 3, 4, 5],
            ["all"] = R(0, 11),
        },
        ["ViT-B/32"] = new()
        {
            ["bottom"] = [0, 1, 2, 3],
            ["mid"] = [4, 5, 6, 7],
            ["up"] = [8, 9, 10, 11],
            ["half-up"] = [6, 7, 8, 9, 10, 11],
            ["half-bottom"] = [0, 1, 2, 3, 4, 5],
            ["all"] = R(0, 11),
        },
        ["ViT-L/14"] = new()
        {
            ["half-up"] = R(12, 23),
            ["half-bottom"] = R(0, 11),
            ["all"] = R(0, 23),
        },
    };

    /// <summary>Every (backbone, encoder, position) for which CLIP-LoRA's apply_lora runs, and so save_lora can write a file.</summary>
    public static IEnumerable<(string Backbone, string Encoder, string Position)> Cases()
    {
        foreach (var backbone in Backbones)
        {
            var vision = IndexPositionsVision[backbone.Name];
            foreach (var position in IndexPositionsText.Keys) yield return (backbone.Name, "text", position);
            foreach (var position in vision.Keys) yield return (backbone.Name, "vision", position);
            foreach (var position in IndexPositionsText.Keys.Where(vision.ContainsKey)) yield return (backbone.Name, "both", position);
        }
    }

    /// <summary>apply_lora's list_lora_layers as OpenAI module paths: text blocks, then vision blocks, each by enumerate(resblocks).</summary>
    public static List<string>? ApplyLora(Backbone backbone, string encoder, string position)
    {
        var modules = new List<string>();
        if (encoder is "text" or "both")
        {
            if (!IndexPositionsText.TryGetValue(position, out var indices)) return null;
            modules.AddRange(Enumerable.Range(0, backbone.TextLayers).Where(indices.Contains).Select(i => $"transformer.resblocks.{i}.attn"));
        }
        if (encoder is "vision" or "both")
        {
            if (!IndexPositionsVision[backbone.Name].TryGetValue(position, out var indices)) return null;
            modules.AddRange(Enumerable.Range(0, backbone.VisionLayers).Where(indices.Contains).Select(i => $"visual.transformer.resblocks.{i}.attn"));
        }
        return modules;
    }

    /// <summary>save_lora's file keys for its params letters, in the order it writes them, with OpenAI's projection names.</summary>
    public static readonly (string Param, string FileKey, string Module)[] Projections =
        [("q", "q_proj", "q_proj"), ("k", "k_proj", "k_proj"), ("v", "v_proj", "v_proj"), ("o", "proj", "out_proj")];

    /// <summary>The A (isA) or B matrix save_lora writes for layer_<paramref name="layer"/>'s projection <paramref name="projection"/> (index into <see cref="Projections"/>).</summary>
    public static Tensor Matrix(int layer, int projection, bool isA, int rank, int width) =>
        isA ? ClipLoraFixture.Matrix(layer, projection, true, rank, width) : ClipLoraFixture.Matrix(layer, projection, false, width, rank);

    /// <summary>
    /// Writes what save_lora writes after apply_lora on this backbone's layer counts, with tiny widths:
    /// <c>{"weights": {"layer_i": {"q_proj": {"w_lora_A", "w_lora_B"}, …}}, "metadata": {r, alpha, encoder, params, position}}</c>.
    /// </summary>
    public static void Save(string path, Backbone backbone, string encoder, string position, string[] @params, int rank, int textWidth, int visionWidth)
    {
        var modules = ApplyLora(backbone, encoder, position)
            ?? throw new ArgumentException($"CLIP-LoRA's apply_lora raises KeyError for {backbone.Name} {encoder} {position}");
        using var scope = NewDisposeScope();
        var weights = new Dictionary<string, object?>();
        for (int i = 0; i < modules.Count; i++)
        {
            int width = modules[i].StartsWith("visual.", StringComparison.Ordinal) ? visionWidth : textWidth;
            var layer = new Dictionary<string, object?>();
            for (int p = 0; p < Projections.Length; p++)
            {
                if (!@params.Contains(Projections[p].Param)) continue;
                layer[Projections[p].FileKey] = new Dictionary<string, object?>
                {
                    ["w_lora_A"] = Matrix(i, p, true, rank, width),
                    ["w_lora_B"] = Matrix(i, p, false, rank, width),
                };
            }
            weights[$"layer_{i}"] = layer;
        }
        var metadata = new Dictionary<string, object?>
        {
            ["r"] = rank,
            ["alpha"] = 1,
            ["encoder"] = encoder,
            ["params"] = @params.Cast<object?>().ToList(),
            ["position"] = position,
        };
        TorchZipPickleWriter.Save(path, new Dictionary<string, object?> { ["weights"] = weights, ["metadata"] = metadata });
    }
}
