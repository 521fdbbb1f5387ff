namespace BlockLora.Onnx;

/// <summary>OpenAI's QuickGELU, x·σ(1.702x), from Mul and Sigmoid (ONNX's Gelu is the exact GELU, which these weights were not trained with).</summary>
public static class QuickGeluExport
{
    public const float Slope = 1.702f;

    public static string Export(OnnxGraph graph, string x, string path)
    {
        string scaled = graph.Node("Mul", path + ".scaled", [x, graph.Scalar(path + ".slope", Slope)]);
        string gate = graph.Node("Sigmoid", path + ".gate", [scaled]);
        return graph.Node("Mul", path, [x, gate]);
    }
}
