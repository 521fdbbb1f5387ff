using Google.Protobuf;
using Onnx;
using static TorchSharp.torch;

namespace BlockLora.Onnx;

/// <summary>
/// One ONNX graph being built from a model's modules: named inputs, outputs, initializers (the weights, in
/// <see cref="Precision"/>'s storage type) and nodes of standard operators only, opset <see cref="Opset"/>. The module
/// exporters append to it and pass value names along; <see cref="ToModel"/> wraps the graph as a <c>ModelProto</c>.
/// Value names are made unique here, so an exporter names what it makes after the module path and never collides.
/// </summary>
public sealed class OnnxGraph
{
    /// <summary>17 is the first opset with LayerNormalization, which ONNX Runtime fuses into one kernel.</summary>
    public const long Opset = 17;

    /// <summary>The IR version that goes with opset 17 (ONNX 1.12), so runtimes of that age load the files too.</summary>
    public const long IrVersion = 8;

    /// <summary>The name of the batch axis, dynamic in every input and output.</summary>
    public const string BatchAxis = "batch";

    private readonly GraphProto graph;
    private readonly HashSet<string> names = new(StringComparer.Ordinal);

    public OnnxGraph(string name, OnnxPrecision precision)
    {
        graph = new GraphProto { Name = name };
        Precision = precision;
    }

    public OnnxPrecision Precision { get; }

    /// <summary>The element type weights are stored and matrix products run in: float, or float16 with <c>--fp16</c>.</summary>
    public int ComputeType => Precision == OnnxPrecision.Fp16 ? (int)TensorProto.Types.DataType.Float16 : (int)TensorProto.Types.DataType.Float;

    public static int FloatType => (int)TensorProto.Types.DataType.Float;

    public static int Int64Type => (int)TensorProto.Types.DataType.Int64;

    /// <summary>Bytes of every initializer so far (what the protobuf size limit is about).</summary>
    public long WeightBytes { get; private set; }

    public void Input(string name, int elementType, params object[] dims)
    {
        Reserve(name);
        graph.Input.Add(ValueInfo(name, elementType, dims));
    }

    public void Output(string name, int elementType, params object[] dims) => graph.Output.Add(ValueInfo(name, elementType, dims));

    /// <summary>A weight from the model, stored in <see cref="ComputeType"/>.</summary>
    public string Weight(string hint, Tensor value) => Initializer(hint, value, ComputeType);

    /// <summary>A weight kept in fp32 whatever the precision (LayerNorm gains and shifts, as <c>ClipLayerNorm</c> keeps them).</summary>
    public string Fp32Weight(string hint, Tensor value) => Initializer(hint, value, FloatType);

    /// <summary>A constant int64 vector (shapes, axes, indices).</summary>
    public string Int64s(string hint, params long[] values)
    {
        string name = Unique(hint);
        var proto = new TensorProto { Name = name, DataType = Int64Type };
        proto.Dims.Add(values.Length);
        proto.Int64Data.Add(values);
        graph.Initializer.Add(proto);
        return name;
    }

    /// <summary>A constant int64 scalar (a Gather index that drops its axis).</summary>
    public string Int64Scalar(string hint, long value)
    {
        string name = Unique(hint);
        var proto = new TensorProto { Name = name, DataType = Int64Type };
        proto.Int64Data.Add(value);
        graph.Initializer.Add(proto);
        return name;
    }

    /// <summary>A constant scalar in <see cref="ComputeType"/>.</summary>
    public string Scalar(string hint, float value)
    {
        using var t = tensor(value);
        return Weight(hint, t);
    }

    /// <summary>Appends one node and returns the name of its (single) output.</summary>
    public string Node(string opType, string hint, string[] inputs, params AttributeProto[] attributes)
    {
        string output = Unique(hint);
        var node = new NodeProto { OpType = opType, Name = output };
        node.Input.Add(inputs);
        node.Output.Add(output);
        node.Attribute.Add(attributes);
        graph.Node.Add(node);
        return output;
    }

    /// <summary>Renames the value <paramref name="value"/> to a graph output's name through an Identity node.</summary>
    public void Rename(string value, string outputName)
    {
        Reserve(outputName);
        var node = new NodeProto { OpType = "Identity", Name = outputName };
        node.Input.Add(value);
        node.Output.Add(outputName);
        graph.Node.Add(node);
    }

    /// <summary>An fp32 value in the compute type: itself in an fp32 graph, a Cast to float16 in an fp16 one.</summary>
    public string ToCompute(string value, string hint) =>
        Precision == OnnxPrecision.Fp32 ? value : Node("Cast", hint, [value], Attr.Int("to", ComputeType));

    /// <summary>A compute-type value in fp32: itself in an fp32 graph, a Cast to float in an fp16 one.</summary>
    public string ToFloat(string value, string hint) =>
        Precision == OnnxPrecision.Fp32 ? value : Node("Cast", hint, [value], Attr.Int("to", FloatType));

    public ModelProto ToModel(string docString, IReadOnlyDictionary<string, string> metadata)
    {
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "blora",
            ProducerVersion = typeof(OnnxGraph).Assembly.GetName().Version?.ToString() ?? "",
            DocString = docString,
            Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        foreach (var (key, value) in metadata) model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return model;
    }

    private string Initializer(string hint, Tensor value, int elementType)
    {
        string name = Unique(hint);
        using var scope = NewDisposeScope();
        var stored = value.detach().cpu().to(elementType == FloatType ? ScalarType.Float32 : ScalarType.Float16).contiguous();
        var proto = new TensorProto { Name = name, DataType = elementType, RawData = ByteString.CopyFrom(stored.bytes) };
        proto.Dims.Add(stored.shape);
        WeightBytes += proto.RawData.Length;
        graph.Initializer.Add(proto);
        return name;
    }

    private static ValueInfoProto ValueInfo(string name, int elementType, object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var dim in dims)
        {
            shape.Dim.Add(dim switch
            {
                string param => new TensorShapeProto.Types.Dimension { DimParam = param },
                int value => new TensorShapeProto.Types.Dimension { DimValue = value },
                long value => new TensorShapeProto.Types.Dimension { DimValue = value },
                _ => throw new ArgumentException($"a dimension is a name or a size, not {dim}"),
            });
        }
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = elementType, Shape = shape } },
        };
    }

    private void Reserve(string name)
    {
        if (!names.Add(name)) throw new InvalidOperationException($"graph value '{name}' is defined twice");
    }

    private string Unique(string hint)
    {
        string name = hint;
        for (int i = 1; !names.Add(name); i++) name = $"{hint}_{i}";
        return name;
    }
}
