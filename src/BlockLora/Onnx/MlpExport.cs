using BlockLora.Clip;

namespace BlockLora.Onnx;

/// <summary>A block's <see cref="Mlp"/>: c_fc, QuickGELU, c_proj.</summary>
public static class MlpExport
{
    public static string Export(OnnxGraph graph, Mlp mlp, string x, string path)
    {
        string hidden = LinearExport.Export(graph, mlp.Fc, x, path + ".c_fc");
        string activated = QuickGeluExport.Export(graph, hidden, path + ".gelu");
        return LinearExport.Export(graph, mlp.Proj, activated, path + ".c_proj");
    }
}
