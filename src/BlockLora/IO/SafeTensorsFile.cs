using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;

namespace BlockLora.IO;

/// <summary>
/// Reader and writer for the safetensors format (8-byte little-endian header length, a JSON header
/// naming dtype/shape/offsets per tensor plus an optional string map "__metadata__", then raw data).
/// Written here rather than borrowed so every failure names the file and the tensor, and so writes
/// are atomic (temp file + rename): a killed process never leaves a half-written file behind.
/// </summary>
public static class SafeTensorsFile
{
    private const long MaxHeaderBytes = 100L * 1024 * 1024;
    private static readonly Device Meta = new(DeviceType.META);

    /// <summary>Tensors in file order, plus the metadata map (empty if absent).</summary>
    public sealed record Contents(IReadOnlyDictionary<string, Tensor> Tensors, IReadOnlyDictionary<string, string> Metadata);

    /// <summary>
    /// Reads the tensors and metadata. With <paramref name="shapesOnly"/> only the header is read and the tensors are
    /// empty ones on libtorch's meta device (shape and dtype, no storage): what reading a model's sizes needs, without
    /// reading or allocating gigabytes. The header is validated the same way in both cases.
    /// </summary>
    public static Contents Load(string path, bool shapesOnly = false)
    {
        if (!File.Exists(path)) throw new FormatException($"{path}: file not found");
        using var stream = File.OpenRead(path);
        long length = stream.Length;
        if (length < 8) throw new FormatException($"{path}: not a safetensors file (too short for a header)");
        Span<byte> lenBytes = stackalloc byte[8];
        stream.ReadExactly(lenBytes);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lenBytes);
        if (headerLength == 0 || headerLength > (ulong)Math.Min(MaxHeaderBytes, length - 8))
            throw new FormatException($"{path}: not a safetensors file (header length {headerLength} does not fit a {length}-byte file)");
        var headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);
        long dataStart = 8 + (long)headerLength;
        long dataLength = length - dataStart;
        var (entries, metadata) = ParseHeader(headerBytes, path, dataLength);

        var tensors = new Dictionary<string, Tensor>();
        try
        {
            foreach (var entry in entries)
            {
                if (shapesOnly)
                {
                    tensors[entry.Name] = torch.empty(entry.Shape, entry.DType, device: Meta);
                    continue;
                }
                var bytes = new byte[entry.End - entry.Begin];
                stream.Position = dataStart + entry.Begin;
                stream.ReadExactly(bytes);
                var tensor = torch.empty(entry.Shape, entry.DType);
                if (bytes.Length > 0) tensor.bytes = bytes;
                tensors[entry.Name] = tensor;
            }
        }
        catch
        {
            foreach (var t in tensors.Values) t.Dispose();
            throw;
        }
        return new Contents(tensors, metadata);
    }

    private sealed record Entry(string Name, ScalarType DType, long[] Shape, long Begin, long End);

    /// <summary>
    /// Checks every header field before anything is allocated from it: the header is the one part of the file a writer
    /// (or an attacker) controls freely, so a shape, an offset or a count is a claim to verify, never a size to trust.
    /// </summary>
    private static (List<Entry>, Dictionary<string, string>) ParseHeader(byte[] headerBytes, string path, long dataLength)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(headerBytes);
        }
        catch (JsonException)
        {
            throw new FormatException($"{path}: not a safetensors file (header is not a JSON object)");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new FormatException($"{path}: not a safetensors file (header is not a JSON object)");
            var entries = new List<Entry>();
            var metadata = new Dictionary<string, string>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                string name = property.Name;
                // JSON allows a repeated key and readers disagree on which one wins; a tensor must have one meaning.
                if (!seen.Add(name)) throw new FormatException($"{path}: '{name}' appears twice in the header");
                if (name == "__metadata__")
                {
                    ReadMetadata(property.Value, path, metadata);
                    continue;
                }
                entries.Add(ReadEntry(name, property.Value, path, dataLength));
            }
            CheckNoOverlap(entries, path);
            return (entries, metadata);
        }
    }

    private static void ReadMetadata(JsonElement node, string path, Dictionary<string, string> metadata)
    {
        if (node.ValueKind == JsonValueKind.Null) return;
        if (node.ValueKind != JsonValueKind.Object) throw new FormatException($"{path}: __metadata__ is not a map of strings");
        foreach (var item in node.EnumerateObject())
        {
            metadata[item.Name] = item.Value.ValueKind switch
            {
                JsonValueKind.String => item.Value.GetString()!,
                JsonValueKind.Null => "",
                _ => throw new FormatException($"{path}: __metadata__ '{item.Name}' is not a string"),
            };
        }
    }

    private static Entry ReadEntry(string name, JsonElement node, string path, long dataLength)
    {
        if (node.ValueKind != JsonValueKind.Object) throw new FormatException($"{path}: tensor '{name}' has no header entry");
        if (!node.TryGetProperty("dtype", out var dtypeNode) || dtypeNode.ValueKind != JsonValueKind.String)
            throw new FormatException($"{path}: tensor '{name}' has no dtype");
        string dtypeName = dtypeNode.GetString()!;
        long[] shape = ReadIntegers(node, "shape", name, path)
            ?? throw new FormatException($"{path}: tensor '{name}' has no shape (a list of non-negative integers)");
        long[] offsets = ReadIntegers(node, "data_offsets", name, path) is { Length: 2 } pair ? pair
            : throw new FormatException($"{path}: tensor '{name}' has no data_offsets (two non-negative integers)");
        var (dtype, elementSize) = ParseDType(dtypeName, path, name);
        long begin = offsets[0], end = offsets[1];
        if (end < begin || end > dataLength)
            throw new FormatException($"{path}: tensor '{name}' lies outside the file (bytes {begin}..{end} of {dataLength}); the file is truncated or corrupt");
        long needed;
        try
        {
            needed = checked(shape.Aggregate(1L, (a, b) => checked(a * b)) * elementSize);
        }
        catch (OverflowException)
        {
            throw new FormatException($"{path}: tensor '{name}' has shape [{string.Join(",", shape)}], more {dtypeName} elements than can exist");
        }
        if (end - begin != needed)
            throw new FormatException($"{path}: tensor '{name}' has {end - begin} bytes but shape [{string.Join(",", shape)}] of {dtypeName} needs {needed}");
        return new Entry(name, dtype, shape, begin, end);
    }

    /// <returns>The integers, or null when the field is absent, not a list, or holds anything but integers in 0..2^63-1.</returns>
    private static long[]? ReadIntegers(JsonElement node, string field, string name, string path)
    {
        if (!node.TryGetProperty(field, out var list) || list.ValueKind != JsonValueKind.Array) return null;
        var values = new long[list.GetArrayLength()];
        int i = 0;
        foreach (var item in list.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out long value) || value < 0)
                throw new FormatException($"{path}: tensor '{name}' has {field} {list.GetRawText()}; expected non-negative integers");
            values[i++] = value;
        }
        return values;
    }

    /// <summary>The format gives every tensor its own bytes (the reference reader refuses overlaps too); two tensors on one range mean a corrupt header.</summary>
    private static void CheckNoOverlap(List<Entry> entries, string path)
    {
        Entry? previous = null;
        foreach (var entry in entries.Where(e => e.End > e.Begin).OrderBy(e => e.Begin))
        {
            if (previous is not null && entry.Begin < previous.End)
                throw new FormatException($"{path}: tensors '{previous.Name}' (bytes {previous.Begin}..{previous.End}) and '{entry.Name}' (bytes {entry.Begin}..{entry.End}) overlap; the header is corrupt");
            previous = entry;
        }
    }

    /// <summary>Writes tensors (moved to CPU, contiguous) and metadata atomically.</summary>
    public static void Save(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var header = new JsonObject();
        if (metadata is { Count: > 0 })
        {
            var meta = new JsonObject();
            foreach (var (k, v) in metadata) meta[k] = v;
            header["__metadata__"] = meta;
        }
        var blobs = new List<byte[]>();
        long offset = 0;
        foreach (var (name, tensor) in tensors)
        {
            using var cpu = tensor.detach().cpu().contiguous();
            byte[] data = cpu.bytes.ToArray();
            header[name] = new JsonObject
            {
                ["dtype"] = DTypeName(cpu.dtype, name),
                ["shape"] = new JsonArray(cpu.shape.Select(s => (JsonNode)s).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + data.Length),
            };
            offset += data.Length;
            blobs.Add(data);
        }
        byte[] headerBytes = Encoding.UTF8.GetBytes(header.ToJsonString());
        // Pad the header with spaces to 8 bytes so tensor data stays aligned, as the reference writer does.
        int padded = (headerBytes.Length + 7) / 8 * 8;
        var fullHeader = new byte[padded];
        Array.Fill(fullHeader, (byte)' ');
        headerBytes.CopyTo(fullHeader, 0);

        AtomicFile.Write(path, stream =>
        {
            Span<byte> len = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)padded);
            stream.Write(len);
            stream.Write(fullHeader);
            foreach (var blob in blobs) stream.Write(blob);
        });
    }

    private static (ScalarType, int) ParseDType(string name, string path, string tensor) => name switch
    {
        "F32" => (ScalarType.Float32, 4),
        "F16" => (ScalarType.Float16, 2),
        "BF16" => (ScalarType.BFloat16, 2),
        "F64" => (ScalarType.Float64, 8),
        "I64" => (ScalarType.Int64, 8),
        "I32" => (ScalarType.Int32, 4),
        "I16" => (ScalarType.Int16, 2),
        "I8" => (ScalarType.Int8, 1),
        "U8" => (ScalarType.Byte, 1),
        "BOOL" => (ScalarType.Bool, 1),
        _ => throw new FormatException($"{path}: tensor '{tensor}' has unsupported dtype {name}"),
    };

    private static string DTypeName(ScalarType type, string tensor) => type switch
    {
        ScalarType.Float32 => "F32",
        ScalarType.Float16 => "F16",
        ScalarType.BFloat16 => "BF16",
        ScalarType.Float64 => "F64",
        ScalarType.Int64 => "I64",
        ScalarType.Int32 => "I32",
        ScalarType.Int16 => "I16",
        ScalarType.Int8 => "I8",
        ScalarType.Byte => "U8",
        ScalarType.Bool => "BOOL",
        _ => throw new ArgumentException($"tensor '{tensor}': dtype {type} cannot be stored in safetensors"),
    };
}
