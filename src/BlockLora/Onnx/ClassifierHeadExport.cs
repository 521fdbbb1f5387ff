using static TorchSharp.torch;

namespace BlockLora.Onnx;

/// <summary>
/// The few-shot classifier baked in: L2-normalised image features times a fixed [embed, classes] matrix, the classes'
/// L2-normalised text embeddings scaled by exp(logit_scale), i.e. <see cref="Clip.ClipModel.Logits"/> against constant text
/// features. In fp32 in every precision (features, norms and logits are fp32 in the project's fp16 path too).
/// </summary>
public static class ClassifierHeadExport
{
    /// <param name="classEmbeddings">[classes, embed], each row of unit length.</param>
    public static string Export(OnnxGraph graph, string imageFeatures, Tensor classEmbeddings, float logitScale, string path = "classifier")
    {
        string norm = graph.Node("ReduceL2", path + ".norm", [imageFeatures], Attr.Ints("axes", -1), Attr.Int("keepdims", 1));
        string unit = graph.Node("Div", path + ".unit", [imageFeatures, norm]);
        using var scope = NewDisposeScope();
        var head = (classEmbeddings.detach().to(ScalarType.Float32) * logitScale).t();
        return graph.Node("MatMul", path + ".logits", [unit, graph.Fp32Weight(path + ".head", head)]);
    }
}
