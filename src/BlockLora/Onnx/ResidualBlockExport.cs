using BlockLora.Clip;

namespace BlockLora.Onnx;

/// <summary>
/// A pre-LN <see cref="ResidualAttentionBlock"/>: x + attn(ln_1(x)), then x + mlp(ln_2(x)). With <c>classRowOnly</c> the
/// block computes only position 0 after the attention's keys and values (the vision tower's last block, whose other rows
/// nobody reads), as <see cref="ResidualAttentionBlock.ForwardAt"/> does.
/// </summary>
public static class ResidualBlockExport
{
    public static string Export(OnnxGraph graph, ResidualAttentionBlock block, string x, long positions, bool classRowOnly, string path)
    {
        string n1 = LayerNormExport.Export(graph, ModuleParts.Child<ClipLayerNorm>(block, "ln_1"), x, path + ".ln_1");
        string queries = n1, residual = x;
        if (classRowOnly)
        {
            string starts = graph.Int64s(path + ".row_start", 0), ends = graph.Int64s(path + ".row_end", 1), axes = graph.Int64s(path + ".row_axis", 1);
            queries = graph.Node("Slice", path + ".ln_1_class_row", [n1, starts, ends, axes]);
            residual = graph.Node("Slice", path + ".class_row", [x, starts, ends, axes]);
        }
        string attended = AttentionExport.Export(graph, block.Attention, n1, queries, positions, path + ".attn");
        string x1 = graph.Node("Add", path + ".residual_1", [residual, attended]);
        string n2 = LayerNormExport.Export(graph, ModuleParts.Child<ClipLayerNorm>(block, "ln_2"), x1, path + ".ln_2");
        string mlp = MlpExport.Export(graph, block.Mlp, n2, path + ".mlp");
        return graph.Node("Add", path + ".residual_2", [x1, mlp]);
    }
}
