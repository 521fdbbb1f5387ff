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
}
