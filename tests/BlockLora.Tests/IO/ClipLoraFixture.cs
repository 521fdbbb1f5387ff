using TorchSharp;
using static TorchSharp.torch;

namespace BlockLora.Tests.IO;

/// <summary>
/// The CLIP-LoRA adapter of fixtures/torch-pickle/make_reference.py (<c>build_clip_lora</c>), built in C#:
/// tiny CLIP with 2 text layers of width 64 and 2 vision layers of width 128, r = 2, q/k/v,
/// encoder 'both', position 'all'. Same dict shapes and key order as CLIP-LoRA's <c>save_lora</c>.
/// </summary>
internal static class ClipLoraFixture
{
    public const int TextLayers = 2, TextWidth = 64, VisionLayers = 2, VisionWidth = 128, Rank = 2;

    public static readonly string[] FileKeys = ["q_proj", "k_proj", "v_proj"];

    /// <summary>Element n of layer_<paramref name="layer"/>'s projection <paramref name="proj"/>; exact in fp32.</summary>
    public static float Value(int layer, int proj, bool isA, int n) => (isA ? 1 : -1) * (1000f * layer + 100f * proj + n) / 256f;

    public static Tensor Matrix(int layer, int proj, bool isA, int rows, int cols) =>
        torch.tensor(Enumerable.Range(0, rows * cols).Select(n => Value(layer, proj, isA, n)).ToArray()).reshape(rows, cols);

    public static int WidthOf(int layer) => layer < TextLayers ? TextWidth : VisionWidth;

    /// <summary>The saved dict; tensors are created in the caller's dispose scope.</summary>
    public static Dictionary<string, object?> Build(int rank = Rank, string encoder = "both", string position = "all",
        int textLayers = TextLayers, int visionLayers = VisionLayers, int? metadataRank = null)
    {
        var weights = new Dictionary<string, object?>();
        int layers = (encoder == "vision" ? 0 : textLayers) + (encoder == "text" ? 0 : visionLayers);
        for (int i = 0; i < layers; i++)
        {
            int width = encoder == "vision" ? VisionWidth : WidthOf(i);
            var layer = new Dictionary<string, object?>();
            for (int p = 0; p < FileKeys.Length; p++)
                layer[FileKeys[p]] = new Dictionary<string, object?>
                {
                    ["w_lora_A"] = Matrix(i, p, true, rank, width),
                    ["w_lora_B"] = Matrix(i, p, false, width, rank),
                };
            weights[$"layer_{i}"] = layer;
        }
        var metadata = new Dictionary<string, object?>
        {
            ["r"] = metadataRank ?? rank,
            ["alpha"] = 1,
            ["encoder"] = encoder,
            ["params"] = new List<object?> { "q", "k", "v" },
            ["position"] = position,
        };
        return new Dictionary<string, object?> { ["weights"] = weights, ["metadata"] = metadata };
    }
}
