using BlockLora.Clip;
using static TorchSharp.torch;

namespace BlockLora.Adapters;

/// <summary>
/// Everything the adapter file, the accounting and the injector need to know about one method, so that none of them
/// names a method's tensors: the tensors per matrix (in file order), the metadata keys it needs besides the common
/// ones, its cost rule and its factory. Each method declares one; <see cref="AdapterMethodRegistry"/> lists them.
/// </summary>
public sealed record AdapterMethodRegistration
{
    public required AdapterMethod Method { get; init; }

    /// <summary>The tensors of one adapted matrix, in the order a file stores them.</summary>
    public required IReadOnlyList<AdapterTensorSpec> Tensors { get; init; }

    /// <summary>The tensors a file of this config stores per matrix, in file order (<see cref="Tensors"/> less those the config leaves out).</summary>
    public IReadOnlyList<AdapterTensorSpec> TensorsFor(AdapterConfig config) => Tensors.Where(t => t.IsStored(config)).ToList();

    /// <summary>Metadata keys (<see cref="AdapterMetadata.Key"/>) a file of this method must record, besides format, version and method.</summary>
    public required IReadOnlyList<string> MetadataKeys { get; init; }

    /// <summary>The cost of one matrix of output width d and input width k, by formula from the config alone.</summary>
    public required Func<AdapterConfig, long, long, AdapterCost> Cost { get; init; }

    /// <summary>A fresh adapter for one matrix, initialised from the config's seed and the matrix path.</summary>
    public required Func<AdaptedMatrix, AdapterConfig, Device?, MethodAdapter> Create { get; init; }

    /// <summary>Why a tensor's shape is what <see cref="AdapterTensorSpec.ShapeWithoutBase"/> says, for the error when it is not (e.g. "rank 2 (metadata)").</summary>
    public required Func<AdapterConfig, string> ShapeReason { get; init; }

    /// <summary>
    /// Optional: creates the adapters of a whole set at once, for a method whose adapters share tensors across matrices
    /// (VeRA's frozen random projections, sized by the widest adapted matrix). Null: <see cref="Create"/> per matrix.
    /// </summary>
    public Func<IReadOnlyList<AdaptedMatrix>, AdapterConfig, Device?, IReadOnlyList<MethodAdapter>>? CreateSet { get; init; }

    /// <summary>Optional: metadata a file of this method records beyond the config (keys listed in <see cref="MetadataKeys"/>), from the config and the base's sizes.</summary>
    public Func<AdapterConfig, ClipConfig, IReadOnlyDictionary<string, string>>? ExtraMetadata { get; init; }

    /// <summary>Optional: checks a file's metadata against the matrices it is fitted to on a base; returns why it does not fit, or null.</summary>
    public Func<IReadOnlyDictionary<string, string>, AdapterConfig, IReadOnlyList<AdaptedMatrix>, string?>? CheckFit { get; init; }

    /// <summary>The adapters of <paramref name="matrices"/>, in order: <see cref="CreateSet"/> where the method has one, else <see cref="Create"/> per matrix (disposing those made when one fails).</summary>
    public IReadOnlyList<MethodAdapter> CreateAll(IReadOnlyList<AdaptedMatrix> matrices, AdapterConfig config, Device? device)
    {
        if (CreateSet is { } createSet) return createSet(matrices, config, device);
        var created = new List<MethodAdapter>(matrices.Count);
        try
        {
            foreach (var matrix in matrices) created.Add(Create(matrix, config, device));
            return created;
        }
        catch
        {
            foreach (var adapter in created) adapter.Dispose();
            throw;
        }
    }
}
