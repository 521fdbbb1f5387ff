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
        JsonObject header;
        try
        {
            header = JsonNode.Parse(headerBytes)?.AsObject() ?? throw new FormatException("empty header");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new FormatException($"{path}: not a safetensors file (header is not a JSON object)");
        }

        long dataStart = 8 + (long)headerLength;
        long dataLength = length - dataStart;
        var metadata = new Dictionary<string, string>();
        var tensors = new Dictionary<string, Tensor>();
        try
        {
            foreach (var (name, node) in header)
            {
                if (name == "__metadata__")
                {
                    foreach (var (k, v) in node?.AsObject() ?? new JsonObject())
                        metadata[k] = v?.GetValue<string>() ?? "";
                    continue;
                }
                var entry = node?.AsObject() ?? throw new FormatException($"{path}: tensor '{name}' has no header entry");
                string dtypeName = entry["dtype"]?.GetValue<string>() ?? throw new FormatException($"{path}: tensor '{name}' has no dtype");
                long[] shape = entry["shape"]?.AsArray().Select(s => s!.GetValue<long>()).ToArray()
                    ?? throw new FormatException($"{path}: tensor '{name}' has no shape");
                var offsets = entry["data_offsets"]?.AsArray().Select(s => s!.GetValue<long>()).ToArray();
                if (offsets is not { Length: 2 }) throw new FormatException($"{path}: tensor '{name}' has no data_offsets");
                var (dtype, elementSize) = ParseDType(dtypeName, path, name);
                long count = shape.Aggregate(1L, (a, b) => a * b);
                long begin = offsets[0], end = offsets[1];
                if (begin < 0 || end < begin || end > dataLength)
                    throw new FormatException($"{path}: tensor '{name}' lies outside the file (bytes {begin}..{end} of {dataLength}); the file is truncated or corrupt");
                if (end - begin != count * elementSize)
                    throw new FormatException($"{path}: tensor '{name}' has {end - begin} bytes but shape [{string.Join(",", shape)}] of {dtypeName} needs {count * elementSize}");
                if (shapesOnly)
                {
                    tensors[name] = torch.empty(shape, dtype, device: Meta);
                    continue;
                }
                var bytes = new byte[end - begin];
                stream.Position = dataStart + begin;
                stream.ReadExactly(bytes);
                var tensor = torch.empty(shape, dtype);
                if (bytes.Length > 0) tensor.bytes = bytes;
                tensors[name] = tensor;
            }
        }
        catch
        {
            foreach (var t in tensors.Values) t.Dispose();
            throw;
        }
        return new Contents(tensors, metadata);
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
