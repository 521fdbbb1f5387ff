namespace BlockLora.Adapters;

/// <summary>
/// One tensor a method stores per adapted matrix, as <c>&lt;module path&gt;.&lt;Name&gt;</c> in an adapter file.
/// </summary>
/// <param name="Shape">The full shape for a config on a matrix of output width d and input width k.</param>
/// <param name="ShapeWithoutBase">The same shape with the dimensions that need the base's widths left null: what a file can be checked against before it is fitted to a CLIP.</param>
public sealed record AdapterTensorSpec(
    string Name,
    Func<AdapterConfig, long, long, long[]> Shape,
    Func<AdapterConfig, long?[]> ShapeWithoutBase)
{
    /// <summary>Whether a config's files hold this tensor (null: always); PiSSA's frozen A0, B0 only with <c>init=pissa</c>.</summary>
    public Func<AdapterConfig, bool>? StoredWhen { get; init; }

    public bool IsStored(AdapterConfig config) => StoredWhen?.Invoke(config) ?? true;
}
