using BlockLora.Clip;

namespace BlockLora.Onnx;

/// <summary>
/// A <see cref="ClipLayerNorm"/> as LayerNormalization over the last axis, in fp32 with fp32 gain and shift whatever the
/// export's precision (an fp16 graph casts in and out around it, as <see cref="ClipLayerNorm"/> does).
/// </summary>
public static class LayerNormExport
{
    public static string Export(OnnxGraph graph, ClipLayerNorm norm, string x, string path)
    {
        string wide = graph.ToFloat(x, path + ".to_fp32");
        string normed = graph.Node("LayerNormalization", path, [wide, graph.Fp32Weight(path + ".weight", norm.Weight), graph.Fp32Weight(path + ".bias", norm.Bias)],
            Attr.Int("axis", -1), Attr.Float("epsilon", (float)norm.Epsilon));
        return graph.ToCompute(normed, path + ".to_compute");
    }
}
