using System.Buffers.Binary;
using System.IO.Compression;

namespace BlockLora.Data;

/// <summary>
/// An unsigned-byte array read from an IDX file, the format of MNIST and Fashion-MNIST
/// (<c>*-images-idx3-ubyte</c>, <c>*-labels-idx1-ubyte</c>): shape plus the values in row-major order.
/// </summary>
public sealed record IdxArray(IReadOnlyList<int> Shape, byte[] Values)
{
    /// <summary>Number of items along the first dimension (images or labels).</summary>
    public int Count => Shape[0];

    /// <summary>Values per item (rows × columns for images, 1 for labels).</summary>
    public int ItemSize => Shape.Skip(1).Aggregate(1, (a, b) => a * b);

    /// <summary>The values of item <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> Item(int index) => Values.AsSpan(index * ItemSize, ItemSize);
}

/// <summary>
/// Reads IDX files (LeCun's format: two zero bytes, a type code, the rank, big-endian 32-bit sizes, then
/// the data), gzip-compressed or not, as Debian's <c>dataset-fashion-mnist</c> ships them. Only the
/// unsigned-byte type (0x08) occurs in these data sets, so only it is accepted; any other header, or
/// a file shorter than its header promises, is an <see cref="InvalidDataException"/> naming the file.
/// </summary>
public static class IdxFile
{
    private const byte UnsignedByte = 0x08;
    private const int MaxRank = 8;
    private const long MaxValues = 1L << 31;

    public static IdxArray Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: file not found", path);
        using var file = File.OpenRead(path);
        // gzip's magic is 1f 8b; an IDX file starts with two zero bytes, so the first byte tells them apart.
        int first = file.ReadByte();
        file.Position = 0;
        using Stream stream = first == 0x1f ? new GZipStream(file, CompressionMode.Decompress) : file;
        try
        {
            return Read(stream, path);
        }
        catch (InvalidDataException) { throw; }
        catch (Exception e) when (e is EndOfStreamException or IOException)
        {
            throw new InvalidDataException($"{path}: truncated or corrupt IDX file ({e.Message})", e);
        }
    }

    /// <param name="source">Named in error messages.</param>
    public static IdxArray Read(Stream stream, string source)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> magic = stackalloc byte[4];
        stream.ReadExactly(magic);
        if (magic[0] != 0 || magic[1] != 0)
            throw new InvalidDataException($"{source}: not an IDX file (magic {Convert.ToHexString(magic)})");
        if (magic[2] != UnsignedByte)
            throw new InvalidDataException($"{source}: IDX type 0x{magic[2]:x2} is not supported (only unsigned bytes, 0x08)");
        int rank = magic[3];
        if (rank is < 1 or > MaxRank) throw new InvalidDataException($"{source}: IDX rank {rank} is out of range 1..{MaxRank}");

        var shape = new int[rank];
        Span<byte> size = stackalloc byte[4];
        long count = 1;
        for (int d = 0; d < rank; d++)
        {
            stream.ReadExactly(size);
            uint value = BinaryPrimitives.ReadUInt32BigEndian(size);
            count *= value;
            if (value > int.MaxValue || count >= MaxValues)
                throw new InvalidDataException($"{source}: IDX dimension {d} ({value}) makes the array too large");
            shape[d] = (int)value;
        }
        var values = new byte[count];
        int read = stream.ReadAtLeast(values, values.Length, throwOnEndOfStream: false);
        if (read < values.Length)
            throw new InvalidDataException($"{source}: truncated IDX file: the header promises {values.Length} values [{string.Join(", ", shape)}], found {read}");
        return new IdxArray(shape, values);
    }
}
