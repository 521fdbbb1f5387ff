namespace BlockLora.Onnx;

/// <summary>
/// The text tower's pooling: each prompt's row at its end-of-text token, the largest id (CLIP's <c>argmax(-1)</c>, first
/// maximum). ArgMax runs on the ids as floats (exact below 2²⁴; ONNX Runtime's ArgMax has no int64 kernel), and GatherND
/// with one batch dimension picks the row: [batch, T, width] → [batch, width].
/// </summary>
public static class EndOfTextPoolingExport
{
    public static string Export(OnnxGraph graph, string tokens, string x, string path)
    {
        string ids = graph.Node("Cast", path + ".ids", [tokens], Attr.Int("to", OnnxGraph.FloatType));
        string position = graph.Node("ArgMax", path + ".position", [ids], Attr.Int("axis", 1), Attr.Int("keepdims", 1), Attr.Int("select_last_index", 0));
        return graph.Node("GatherND", path, [x, position], Attr.Int("batch_dims", 1));
    }
}
