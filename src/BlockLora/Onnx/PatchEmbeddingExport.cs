using static TorchSharp.torch;

namespace BlockLora.Onnx;

/// <summary>
/// The vision tower's patchify: Conv with kernel = stride = patch and no bias (<c>visual.conv1</c>), then
/// [batch, width, g, g] → [batch, g², width] as the forward's flatten(2).transpose(1, 2).
/// </summary>
public static class PatchEmbeddingExport
{
    public static string Export(OnnxGraph graph, nn.Module conv, string pixels, string path)
    {
        var weight = ModuleParts.Parameter(conv, "weight");
        long width = weight.shape[0], patch = weight.shape[2];
        string patches = graph.Node("Conv", path, [pixels, graph.Weight(path + ".weight", weight)],
            Attr.Ints("kernel_shape", patch, patch), Attr.Ints("strides", patch, patch));
        string flat = graph.Node("Reshape", path + ".flatten", [patches, graph.Int64s(path + ".flat_shape", 0, width, -1)]);
        return graph.Node("Transpose", path + ".tokens", [flat], Attr.Ints("perm", 0, 2, 1));
    }
}
