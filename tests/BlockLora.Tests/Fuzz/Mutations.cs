using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;

namespace BlockLora.Tests.Fuzz;

/// <summary>Byte-level damage, the kind a bad disk, a cut download or a careless tool does to any file.</summary>
internal static class Mutations
{
    public static byte[] FlipBits(byte[] source, Random random, int flips, int start = 0, int end = -1)
    {
        if (end < 0) end = source.Length;
        var bytes = (byte[])source.Clone();
        for (int i = 0; i < flips; i++) bytes[random.Next(start, end)] ^= (byte)(1 << random.Next(8));
        return bytes;
    }

    public static byte[] Truncate(byte[] source, int length) => source[..length];

    public static byte[] Zero(byte[] source, int start, int count)
    {
        var bytes = (byte[])source.Clone();
        Array.Clear(bytes, start, Math.Min(count, bytes.Length - start));
        return bytes;
    }

    public static byte[] WriteUInt16(byte[] source, int offset, ushort value)
    {
        var bytes = (byte[])source.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(offset), value);
        return bytes;
    }

    public static byte[] WriteUInt32(byte[] source, int offset, uint value)
    {
        var bytes = (byte[])source.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(offset), value);
        return bytes;
    }
}

/// <summary>A safetensors file taken apart into its JSON header and data, edited, and put back together.</summary>
internal static class SafeTensorsMutations
{
    public static int HeaderEnd(byte[] file) => 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(file);

    public static byte[] WithHeaderLength(byte[] file, ulong length)
    {
        var bytes = (byte[])file.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, length);
        return bytes;
    }

    /// <summary>The header as a JSON object and the tensor names in it (without __metadata__).</summary>
    public static (JsonObject Header, List<string> Names) Header(byte[] file)
    {
        var header = JsonNode.Parse(file.AsSpan(8, HeaderEnd(file) - 8))!.AsObject();
        return (header, header.Select(p => p.Key).Where(k => k != "__metadata__").ToList());
    }

    /// <summary>The same data under the edited header (unpadded: the reader must not depend on the writer's padding).</summary>
    public static byte[] WithHeader(byte[] file, JsonObject header) => WithHeaderText(file, header.ToJsonString());

    public static byte[] WithHeaderText(byte[] file, string json)
    {
        byte[] text = Encoding.UTF8.GetBytes(json);
        var bytes = new byte[8 + text.Length + (file.Length - HeaderEnd(file))];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)text.Length);
        text.CopyTo(bytes, 8);
        file.AsSpan(HeaderEnd(file)).CopyTo(bytes.AsSpan(8 + text.Length));
        return bytes;
    }

    public static byte[] EditEntry(byte[] file, string name, Action<JsonObject> edit)
    {
        var (header, _) = Header(file);
        edit(header[name]!.AsObject());
        return WithHeader(file, header);
    }

    /// <summary>Points one tensor at the bytes of another of the same size: a header whose tensors overlap.</summary>
    public static byte[] Overlapping(byte[] file, Random random)
    {
        var (header, names) = Header(file);
        var bySize = names.GroupBy(n => Size(header[n]!)).Where(g => g.Count() > 1).ToList();
        var pair = bySize[random.Next(bySize.Count)].ToList();
        header[pair[1]]!["data_offsets"] = header[pair[0]]!["data_offsets"]!.DeepClone();
        return WithHeader(file, header);
    }

    /// <summary>The header text with its first tensor entry written a second time at the end.</summary>
    public static byte[] DuplicateKey(byte[] file)
    {
        var (header, names) = Header(file);
        string json = header.ToJsonString();
        string first = new JsonObject { [names[0]] = header[names[0]]!.DeepClone() }.ToJsonString();
        return WithHeaderText(file, json[..^1] + "," + first[1..]);
    }

    private static long Size(JsonNode entry)
    {
        var offsets = entry["data_offsets"]!.AsArray();
        return offsets[1]!.GetValue<long>() - offsets[0]!.GetValue<long>();
    }
}

/// <summary>The structures of a zip archive (end record, central directory, local headers) found by offset, to corrupt one field at a time.</summary>
internal static class ZipMutations
{
    /// <summary>One central-directory record: where it is, where its local header is, and where its data starts.</summary>
    public sealed record Entry(string Name, int Central, int Local, int Data, int CompressedSize, bool Stored);

    public static int EndOfCentralDirectory(byte[] zip)
    {
        for (int i = zip.Length - 22; i >= 0; i--)
            if (BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(i)) == 0x06054b50) return i;
        throw new InvalidDataException("no end of central directory record");
    }

    public static List<Entry> Entries(byte[] zip)
    {
        int eocd = EndOfCentralDirectory(zip);
        int at = (int)BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(eocd + 16));
        var entries = new List<Entry>();
        while (BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(at)) == 0x02014b50)
        {
            int compressed = (int)BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(at + 20));
            int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(at + 28));
            int extraLength = BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(at + 30));
            int commentLength = BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(at + 32));
            int local = (int)BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(at + 42));
            string name = Encoding.UTF8.GetString(zip, at + 46, nameLength);
            int data = local + 30 + BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(local + 26)) + BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(local + 28));
            bool stored = BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(at + 10)) == 0;
            entries.Add(new Entry(name, at, local, data, compressed, stored));
            at += 46 + nameLength + extraLength + commentLength;
        }
        return entries;
    }

    public static Entry Named(List<Entry> entries, string suffix) => entries.First(e => e.Name.EndsWith(suffix, StringComparison.Ordinal));

    public static bool Holds(byte[] zip, Entry entry, string text) =>
        zip.AsSpan(entry.Data, entry.CompressedSize).IndexOf(Encoding.ASCII.GetBytes(text)) >= 0;

    /// <summary>The archive with one byte of an uncompressed entry's text changed: the first <paramref name="find"/> in it gets <paramref name="replace"/> at <paramref name="at"/>.</summary>
    public static byte[] EditText(byte[] zip, Entry entry, string find, int at, char replace)
    {
        int index = zip.AsSpan(entry.Data, entry.CompressedSize).IndexOf(Encoding.ASCII.GetBytes(find));
        if (index < 0) throw new InvalidDataException($"'{find}' is not in {entry.Name}");
        var bytes = (byte[])zip.Clone();
        bytes[entry.Data + index + at] = (byte)replace;
        return bytes;
    }
}

/// <summary>Image headers that claim another size than the pixels that follow.</summary>
internal static class ImageMutations
{
    /// <summary>The PNG with its IHDR width and height replaced and the chunk's CRC recomputed, so only the size lies.</summary>
    public static byte[] PngClaiming(byte[] png, uint width, uint height)
    {
        var bytes = (byte[])png.Clone();
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(16), width);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(20), height);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(29), Crc32(bytes.AsSpan(12, 17)));
        return bytes;
    }

    /// <summary>The JPEG with its frame header (SOF0/SOF2) width and height replaced.</summary>
    public static byte[] JpegClaiming(byte[] jpeg, ushort width, ushort height)
    {
        var bytes = (byte[])jpeg.Clone();
        for (int i = 2; i + 9 < bytes.Length; i++)
        {
            if (bytes[i] != 0xFF || bytes[i + 1] is not (0xC0 or 0xC2)) continue;
            BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(i + 5), height);
            BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(i + 7), width);
            return bytes;
        }
        throw new InvalidDataException("no SOF0/SOF2 marker");
    }

    private static uint Crc32(ReadOnlySpan<byte> bytes) => Imaging.RawPng.Crc32(bytes);
}
