using BlockLora.Clip;
using static TorchSharp.torch;

namespace BlockLora.Onnx;

/// <summary>
/// An <see cref="AdaptableLinear"/> as MatMul (by Wᵀ, stored transposed) and Add. The weight is the layer's as it stands,
/// so an adapter must be merged first: that is the deployment the project promises (zero added latency), and an
/// unmerged adapter would be silently left out.
/// </summary>
public static class LinearExport
{
    /// <param name="scale">Folded into W and b (attention's 1/√d on the query projection).</param>
    public static string Export(OnnxGraph graph, AdaptableLinear layer, string x, string path, float scale = 1f)
    {
        if (layer.Adapter is not null && !layer.IsMerged)
            throw new InvalidOperationException($"{path}: its adapter is attached but not merged; merge the adapters before exporting");
        using var scope = NewDisposeScope();
        var weight = layer.Weight.detach().to(ScalarType.Float32).t();
        if (scale != 1f) weight = weight * scale;
        string product = graph.Node("MatMul", path + ".matmul", [x, graph.Weight(path + ".weight_t", weight)]);
        if (layer.Bias is null) return product;
        var bias = layer.Bias.detach().to(ScalarType.Float32);
        if (scale != 1f) bias = bias * scale;
        return graph.Node("Add", path, [product, graph.Weight(path + ".bias", bias)]);
    }
}
