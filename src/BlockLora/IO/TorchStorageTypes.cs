using static TorchSharp.torch;

namespace BlockLora.IO;

/// <summary>
/// torch.save names a storage's element type by a legacy class in module <c>torch</c>
/// (<c>torch.FloatStorage</c>, …); <c>torch.storage.UntypedStorage</c> means raw bytes. This is the
/// two-way map between those names and TorchSharp dtypes, kept in one place so reader and writer agree.
/// </summary>
internal static class TorchStorageTypes
{
    private static readonly (string Name, ScalarType Type)[] Table =
    [
        ("FloatStorage", ScalarType.Float32),
        ("DoubleStorage", ScalarType.Float64),
        ("HalfStorage", ScalarType.Float16),
        ("BFloat16Storage", ScalarType.BFloat16),
        ("LongStorage", ScalarType.Int64),
        ("IntStorage", ScalarType.Int32),
        ("ShortStorage", ScalarType.Int16),
        ("CharStorage", ScalarType.Int8),
        ("ByteStorage", ScalarType.Byte),
        ("BoolStorage", ScalarType.Bool),
        ("ComplexFloatStorage", ScalarType.ComplexFloat32),
        ("ComplexDoubleStorage", ScalarType.ComplexFloat64),
    ];

    /// <summary>The dtype of a legacy storage class of module <c>torch</c>, or null if the name is not one.</summary>
    public static ScalarType? FromClassName(string name)
    {
        foreach (var (n, t) in Table)
            if (n == name) return t;
        return null;
    }

    /// <summary>The legacy class name torch.save writes for a dtype.</summary>
    public static string ClassName(ScalarType type)
    {
        foreach (var (n, t) in Table)
            if (t == type) return n;
        throw new ArgumentException($"dtype {type} has no torch storage class");
    }

    public static int ElementSize(ScalarType type) => type switch
    {
        ScalarType.Float64 or ScalarType.Int64 or ScalarType.ComplexFloat32 => 8,
        ScalarType.ComplexFloat64 => 16,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Int16 => 2,
        ScalarType.Int8 or ScalarType.Byte or ScalarType.Bool => 1,
        _ => throw new ArgumentException($"dtype {type} has no torch storage class"),
    };

    /// <summary>
    /// Bytes that make up one scalar for byte-order swapping: complex numbers swap per component,
    /// which is what torch's own <c>storage.byteswap</c> does.
    /// </summary>
    public static int SwapUnit(ScalarType type) => type switch
    {
        ScalarType.ComplexFloat32 => 4,
        ScalarType.ComplexFloat64 => 8,
        _ => ElementSize(type),
    };
}
