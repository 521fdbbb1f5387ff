using static TorchSharp.torch;

namespace BlockLora.Adapters;

/// <summary>
/// An adapter file read and checked on its own (metadata parses, every matrix has an fp32
/// <c>lora_A</c> [r, ·] and <c>lora_B</c> [·, r]), before it is fitted to any base. Owns its tensors.
/// </summary>
public sealed class AdapterFileContents : IDisposable
{
    private readonly Dictionary<string, (Tensor A, Tensor B)> pairs;

    internal AdapterFileContents(string path, AdapterConfig config, IReadOnlyDictionary<string, string> metadata, IEnumerable<(string MatrixPath, Tensor A, Tensor B)> matrices)
    {
        Path = path;
        Config = config;
        Metadata = metadata;
        pairs = new Dictionary<string, (Tensor, Tensor)>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var (matrixPath, a, b) in matrices)
        {
            pairs[matrixPath] = (a, b);
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

    public int TensorCount => pairs.Count * 2;

    public long ParameterCount => pairs.Values.Sum(p => p.A.numel() + p.B.numel());

    public bool TryGet(string matrixPath, out Tensor a, out Tensor b)
    {
        bool found = pairs.TryGetValue(matrixPath, out var pair);
        (a, b) = pair;
        return found;
    }

    public void Dispose()
    {
        foreach (var (a, b) in pairs.Values)
        {
            a.Dispose();
            b.Dispose();
        }
        pairs.Clear();
    }
}
