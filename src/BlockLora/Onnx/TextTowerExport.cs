using BlockLora.Clip;
using TorchSharp.Modules;

namespace BlockLora.Onnx;

/// <summary>
/// The text tower of a <see cref="ClipModel"/>: token ids [batch, context] (int64) → text features [batch, embed] (fp32),
/// unnormalised as <see cref="ClipModel.EncodeText(TorchSharp.torch.Tensor)"/> returns them: token embedding, positions,
/// the causal blocks, end-of-text pooling, ln_final, projection. The graph runs all context positions; the project's cut
/// after the last end-of-text token is exact under the causal mask, so the features agree.
/// </summary>
public static class TextTowerExport
{
    public static string Export(OnnxGraph graph, ClipModel model, string tokens)
    {
        var table = ModuleParts.Parameter(ModuleParts.Child<Embedding>(model, "token_embedding"), "weight");
        string embedded = graph.Node("Gather", "token_embedding", [graph.Weight("token_embedding.weight", table), tokens], Attr.Int("axis", 0));
        var positions = ModuleParts.Parameter(model, "positional_embedding");
        string x = graph.Node("Add", "positioned", [embedded, graph.Weight("positional_embedding", positions)]);
        x = TransformerExport.Export(graph, model.TextTransformer, x, positions.shape[0], lastBlockClassRowOnly: false, "transformer");
        string pooled = EndOfTextPoolingExport.Export(graph, tokens, x, "end_of_text");
        pooled = LayerNormExport.Export(graph, ModuleParts.Child<ClipLayerNorm>(model, "ln_final"), pooled, "ln_final");
        string features = ProjectionExport.Export(graph, ModuleParts.Parameter(model, "text_projection"), pooled, "text_projection");
        return graph.ToFloat(features, "text_features_fp32");
    }
}
