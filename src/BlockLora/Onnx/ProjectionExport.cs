using static TorchSharp.torch;

namespace BlockLora.Onnx;

/// <summary>A tower's output projection (<c>visual.proj</c>, <c>text_projection</c>, [width, embed]): x · P.</summary>
public static class ProjectionExport
{
    public static string Export(OnnxGraph graph, Tensor projection, string x, string path) =>
        graph.Node("MatMul", path, [x, graph.Weight(path + ".weight", projection)]);
}
