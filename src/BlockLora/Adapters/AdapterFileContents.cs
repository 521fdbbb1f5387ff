using static TorchSharp.torch;

namespace BlockLora.Adapters;

/// <summary>
/// An adapter file read and checked on its own (metadata parses, every matrix has each tensor its method registers,
/// fp32, with the shape the metadata fixes), before it is fitted to any base. Owns its tensors.
/// </summary>
public sealed class AdapterFileContents : IDisposable
{
    private readonly Dictionary<string, IReadOnlyDictionary<string, Tensor>> byMatrix;

    internal AdapterFileContents(string path, AdapterConfig config, IReadOnlyDictionary<string, string> metadata, IEnumerable<(string MatrixPath, IReadOnlyDictionary<string, Tensor> Tensors)> matrices)
    {
        Path = path;
        Config = config;
        Metadata = metadata;
        byMatrix = new Dictionary<string, IReadOnlyDictionary<string, Tensor>>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var (matrixPath, tensors) in matrices)
        {
            byMatrix[matrixPath] = tensors;
            order.Add(matrixPath);
        }
        MatrixPaths = order;
    }

    public string Path { get; }
    public AdapterConfig Config { get; }
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The adapted matrices' module paths, in file order.</summary>
    public IReadOnlyList<string> MatrixPaths { get; }

    /// <summary>The base fingerprint the writer recorded, if any (see <see cref="BaseFingerprint"/>).</summary>
    public string? BaseFingerprintText => Metadata.TryGetValue(AdapterMetadata.Key.BaseFingerprint, out var f) ? f : null;

    public int TensorCount => byMatrix.Values.Sum(t => t.Count);

    public long ParameterCount => byMatrix.Values.Sum(t => t.Values.Sum(v => v.numel()));

    /// <summary>One matrix's tensors by their method's names (<see cref="AdapterMethodRegistration.Tensors"/>).</summary>
    public bool TryGet(string matrixPath, out IReadOnlyDictionary<string, Tensor> tensors)
    {
        bool found = byMatrix.TryGetValue(matrixPath, out var value);
        tensors = value ?? new Dictionary<string, Tensor>();
        return found;
    }

    public void Dispose()
    {
        foreach (var tensors in byMatrix.Values)
            foreach (var t in tensors.Values) t.Dispose();
        byMatrix.Clear();
    }
}
