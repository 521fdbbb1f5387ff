using BlockLora.Clip;
using TorchSharp.Modules;

namespace BlockLora.Onnx;

/// <summary>
/// <see cref="VisionTransformer"/>: pixels [batch, 3, R, R] (fp32) → image features [batch, embed] (fp32), unnormalised as
/// <see cref="ClipModel.EncodeImage"/> returns them: patchify, class token and positions, ln_pre, the blocks (the last on the
/// class row only), ln_post on the class token, projection.
/// </summary>
public static class VisionTowerExport
{
    public static string Export(OnnxGraph graph, VisionTransformer visual, string pixels, string path = "visual")
    {
        string input = graph.ToCompute(pixels, path + ".pixels");
        string tokens = PatchEmbeddingExport.Export(graph, ModuleParts.Child<Conv2d>(visual, "conv1"), input, path + ".conv1");
        var positions = ModuleParts.Parameter(visual, "positional_embedding");
        string x = ClassTokenExport.Export(graph, ModuleParts.Parameter(visual, "class_embedding"), positions, tokens, path);
        x = LayerNormExport.Export(graph, ModuleParts.Child<ClipLayerNorm>(visual, "ln_pre"), x, path + ".ln_pre");
        x = TransformerExport.Export(graph, visual.Transformer, x, positions.shape[0], lastBlockClassRowOnly: true, path + ".transformer");
        string classToken = graph.Node("Gather", path + ".class_output", [x, graph.Int64Scalar(path + ".class_index", 0)], Attr.Int("axis", 1));
        string pooled = LayerNormExport.Export(graph, ModuleParts.Child<ClipLayerNorm>(visual, "ln_post"), classToken, path + ".ln_post");
        string features = ProjectionExport.Export(graph, ModuleParts.Parameter(visual, "proj"), pooled, path + ".proj");
        return graph.ToFloat(features, path + ".features");
    }
}
