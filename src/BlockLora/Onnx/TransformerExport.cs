using BlockLora.Clip;

namespace BlockLora.Onnx;

/// <summary>A <see cref="Transformer"/> stack, block by block (<c>resblocks.{i}</c>).</summary>
public static class TransformerExport
{
    /// <param name="lastBlockClassRowOnly">The vision tower reads only the class token, so its last block computes only that row.</param>
    public static string Export(OnnxGraph graph, Transformer transformer, string x, long positions, bool lastBlockClassRowOnly, string path)
    {
        var blocks = transformer.Blocks;
        for (int i = 0; i < blocks.Count; i++)
            x = ResidualBlockExport.Export(graph, blocks[i], x, positions, lastBlockClassRowOnly && i == blocks.Count - 1, $"{path}.resblocks.{i}");
        return x;
    }
}
