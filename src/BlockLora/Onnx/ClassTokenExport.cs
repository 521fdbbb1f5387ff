using static TorchSharp.torch;

namespace BlockLora.Onnx;

/// <summary>
/// The class token put before the patch tokens (expanded to the dynamic batch) and the learned positions added:
/// <c>visual.class_embedding</c> and <c>visual.positional_embedding</c>.
/// </summary>
public static class ClassTokenExport
{
    public static string Export(OnnxGraph graph, Tensor classEmbedding, Tensor positions, string tokens, string path)
    {
        long width = classEmbedding.shape[0];
        string batch = graph.Node("Shape", path + ".batch", [tokens], Attr.Int("start", 0), Attr.Int("end", 1));
        string shape = graph.Node("Concat", path + ".class_shape", [batch, graph.Int64s(path + ".one_by_width", 1, width)], Attr.Int("axis", 0));
        using var row = classEmbedding.detach().reshape(1, 1, width);
        string cls = graph.Node("Expand", path + ".class_token", [graph.Weight(path + ".class_embedding", row), shape]);
        string sequence = graph.Node("Concat", path + ".sequence", [cls, tokens], Attr.Int("axis", 1));
        return graph.Node("Add", path + ".positioned", [sequence, graph.Weight(path + ".positional_embedding", positions)]);
    }
}
