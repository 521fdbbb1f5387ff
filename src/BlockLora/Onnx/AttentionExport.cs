using BlockLora.Clip;
using static TorchSharp.torch;

namespace BlockLora.Onnx;

/// <summary>
/// <see cref="MultiHeadAttention"/> as MatMul, Softmax, MatMul over [batch, heads, positions, head width]: queries from
/// <c>queries</c> (every position, or only the rows a tower reads), keys and values from every position. 1/√d is folded
/// into the query projection. The text tower's causal mask is a constant [T, T] added before the softmax (0 where a key
/// is visible, −∞ after the query). The softmax runs in fp32 in an fp16 graph, as autocast runs it.
/// </summary>
public static class AttentionExport
{
    /// <param name="x">[batch, T, width]: where keys and values come from.</param>
    /// <param name="queries">[batch, R, width]: where queries come from (x itself, or the class row of the last block).</param>
    /// <param name="positions">T, for the causal mask (which needs queries = x).</param>
    public static string Export(OnnxGraph graph, MultiHeadAttention attention, string x, string queries, long positions, string path)
    {
        long width = attention.Q.InFeatures, heads = attention.Heads, headWidth = width / heads;
        string q = LinearExport.Export(graph, attention.Q, queries, path + ".q_proj", 1f / MathF.Sqrt(headWidth));
        string k = LinearExport.Export(graph, attention.K, x, path + ".k_proj");
        string v = LinearExport.Export(graph, attention.V, x, path + ".v_proj");
        string split = graph.Int64s(path + ".split_shape", 0, 0, heads, headWidth);
        string qHeads = graph.Node("Transpose", path + ".q_heads", [graph.Node("Reshape", path + ".q_split", [q, split])], Attr.Ints("perm", 0, 2, 1, 3));
        string kHeads = graph.Node("Transpose", path + ".k_heads_t", [graph.Node("Reshape", path + ".k_split", [k, split])], Attr.Ints("perm", 0, 2, 3, 1));
        string vHeads = graph.Node("Transpose", path + ".v_heads", [graph.Node("Reshape", path + ".v_split", [v, split])], Attr.Ints("perm", 0, 2, 1, 3));
        string scores = graph.ToFloat(graph.Node("MatMul", path + ".scores", [qHeads, kHeads]), path + ".scores_fp32");
        if (attention.Causal)
        {
            if (queries != x) throw new ArgumentException($"{path}: the causal mask needs queries at every position");
            scores = graph.Node("Add", path + ".masked", [scores, CausalMask(graph, positions, path + ".causal_mask")]);
        }
        string weights = graph.ToCompute(graph.Node("Softmax", path + ".softmax", [scores], Attr.Int("axis", -1)), path + ".softmax_compute");
        string attended = graph.Node("MatMul", path + ".attended", [weights, vHeads]);
        string merged = graph.Node("Reshape", path + ".merged", [
            graph.Node("Transpose", path + ".attended_t", [attended], Attr.Ints("perm", 0, 2, 1, 3)),
            graph.Int64s(path + ".merge_shape", 0, 0, width)]);
        return LinearExport.Export(graph, attention.Out, merged, path + ".out_proj");
    }

    /// <summary>[T, T] fp32: 0 where key j ≤ query i, −∞ after it.</summary>
    private static string CausalMask(OnnxGraph graph, long positions, string name)
    {
        using var scope = NewDisposeScope();
        var mask = full(positions, positions, float.NegativeInfinity).triu(1);
        return graph.Fp32Weight(name, mask);
    }
}
