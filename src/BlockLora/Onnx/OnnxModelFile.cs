using Google.Protobuf;
using Onnx;

namespace BlockLora.Onnx;

/// <summary>
/// Writes a graph as a <c>.onnx</c> file. Protobuf cannot serialise a message of 2 GiB or more, so when the weights
/// come within <see cref="Headroom"/> of that, every initializer of 1 KiB or more goes to <c>&lt;file&gt;.data</c> beside it
/// (ONNX's external data: location, offset, length, 64-byte aligned) and the <c>.onnx</c> keeps the graph. ONNX Runtime
/// reads it when the model is loaded by path. Every released CLIP's towers stay under the limit (ViT-L/14@336 about 1.2 GB).
/// </summary>
public static class OnnxModelFile
{
    /// <summary>Protobuf's hard limit on one message.</summary>
    public const long ProtobufLimit = int.MaxValue;

    /// <summary>Room left for the graph itself and the small constants, which stay inside the file.</summary>
    public const long Headroom = 64L << 20;

    private const int ExternalMinimumBytes = 1024;
    private const int Alignment = 64;

    /// <summary>Writes <paramref name="graph"/> to <paramref name="path"/>; returns the files written (the model, and its data file when one was needed).</summary>
    /// <param name="externalAbove">Weights beyond this many bytes go to a data file (tests pass a small number to exercise it).</param>
    public static IReadOnlyList<string> Write(OnnxGraph graph, string path, string docString, IReadOnlyDictionary<string, string> metadata,
        long externalAbove = ProtobufLimit - Headroom)
    {
        var model = graph.ToModel(docString, metadata);
        var written = new List<string>();
        if (graph.WeightBytes > externalAbove)
        {
            string dataPath = path + ".data";
            WriteExternal(model, dataPath);
            written.Add(dataPath);
        }
        using (var stream = File.Create(path)) model.WriteTo(stream);
        written.Insert(0, path);
        return written;
    }

    private static void WriteExternal(ModelProto model, string dataPath)
    {
        string location = Path.GetFileName(dataPath);
        using var data = File.Create(dataPath);
        foreach (var tensor in model.Graph.Initializer)
        {
            if (tensor.RawData.Length < ExternalMinimumBytes) continue;
            long padding = (Alignment - data.Position % Alignment) % Alignment;
            data.Write(new byte[padding]);
            long offset = data.Position;
            tensor.RawData.WriteTo(data);
            tensor.DataLocation = TensorProto.Types.DataLocation.External;
            tensor.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = location });
            tensor.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            tensor.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = tensor.RawData.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            tensor.RawData = ByteString.Empty;
        }
    }
}
