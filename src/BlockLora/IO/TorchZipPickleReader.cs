using System.IO.Compression;
using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace BlockLora.IO;

/// <summary>
/// Reads files written by PyTorch's <c>torch.save</c> (the zip format of PyTorch ≥ 1.6) without running
/// any Python: the pickle in <c>&lt;archive&gt;/data.pkl</c> is interpreted by
/// <see cref="RestrictedUnpickler"/>, which knows only an allow-list of globals (OrderedDict, torch's
/// tensor-rebuild functions and storage classes, a few builtins) and refuses every other one with a
/// <see cref="PickleSecurityException"/>. Storages come from <c>&lt;archive&gt;/data/&lt;key&gt;</c>,
/// byte-swapped when <c>&lt;archive&gt;/byteorder</c> says the writer was big-endian. TorchScript archives
/// (torch.jit.save) share the layout and are read through <see cref="TorchScriptArchive"/>.
/// Every size a zip directory or a pickle claims is checked against the file before memory is allocated for it.
/// Every failure is one <see cref="FormatException"/> line that names the file.
/// </summary>
public static class TorchZipPickleReader
{
    // data.pkl of a real checkpoint is kilobytes to a few megabytes; this only stops absurd allocations.
    private const long MaxPickleBytes = 1L << 30;
    private const int CopyChunkBytes = 64 << 20;
    private static readonly Device Meta = new(DeviceType.META);

    /// <summary>
    /// The saved object as plain .NET values: dicts (OrderedDict included) as
    /// <c>Dictionary&lt;object, object?&gt;</c>, lists as <c>List&lt;object?&gt;</c>, tuples as
    /// <c>object?[]</c>, str, int (long), float (double), bool, None (null), bytes (byte[]) and CPU tensors
    /// (strided views of their storage, like torch.load's). The caller owns the tensors.
    /// </summary>
    public static object? Load(string path)
    {
        object? root = null;
        Open(path, torchScript: false, shapesOnly: false, (value, _) =>
        {
            root = value;
            return null;
        });
        return root;
    }

    /// <summary>
    /// Opens a torch.save file (or, with <paramref name="torchScript"/>, a torch.jit.save archive), unpickles its
    /// data.pkl and hands the result to <paramref name="read"/> while the archive is open, with a reader of the
    /// archive's <c>code/</c> text files. <paramref name="read"/> returns the tensors the caller keeps (null: all);
    /// every other tensor made from the archive is disposed. With <paramref name="shapesOnly"/> storages are
    /// empty tensors on the meta device: sizes and dtypes without reading or allocating the weights.
    /// </summary>
    internal static void Open(string path, bool torchScript, bool shapesOnly, Func<object?, Func<string, string?>, IReadOnlySet<Tensor>?> read)
    {
        if (!File.Exists(path)) throw new FormatException($"{path}: file not found");
        using var stream = File.OpenRead(path);
        CheckSignature(stream, path);
        long fileLength = stream.Length;

        ZipArchive zip;
        try
        {
            zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException e)
        {
            throw new FormatException($"{path}: not a readable zip archive; the file is truncated or corrupt ({OneLine(e.Message)})");
        }
        using (zip)
        {
            var archive = new Archive(zip, path, fileLength, shapesOnly);
            var tensors = new List<Tensor>();
            IReadOnlySet<Tensor>? keep = null;
            bool done = false;
            try
            {
                var root = ReadArchive(archive, torchScript, tensors);
                keep = read(root, relative => archive.ReadText("code/" + relative));
                done = true;
            }
            catch (Exception e) when (e is InvalidDataException or EndOfStreamException or IOException)
            {
                throw new FormatException($"{path}: the zip archive is truncated or corrupt ({OneLine(e.Message)})");
            }
            finally
            {
                foreach (var t in tensors)
                    if (!done || (keep is not null && !keep.Contains(t))) t.Dispose();
                foreach (var s in archive.Storages.Values) s.Flat.Dispose(); // the views keep the memory alive
            }
        }
    }

    /// <summary>An open archive: where its records live and what it may cost to read them.</summary>
    private sealed class Archive(ZipArchive zip, string path, long fileLength, bool shapesOnly)
    {
        public ZipArchive Zip { get; } = zip;
        public string Path { get; } = path;
        public bool ShapesOnly { get; } = shapesOnly;
        public Dictionary<string, TorchStorage> Storages { get; } = new();
        public string Prefix { get; set; } = "";

        /// <summary>
        /// Refuses a directory entry whose sizes cannot be true of this file before anything is allocated from them:
        /// more compressed bytes than the file holds, or more bytes than deflate can make of them (a zip bomb).
        /// </summary>
        public void CheckClaims(ZipArchiveEntry entry)
        {
            if (entry.CompressedLength > fileLength)
                throw new FormatException($"{Path}: zip entry '{entry.FullName}' claims {entry.CompressedLength} bytes in a {fileLength}-byte file; the archive is corrupt");
            if (entry.Length > entry.CompressedLength * 1100 + 4096)
                throw new FormatException($"{Path}: zip entry '{entry.FullName}' claims {entry.Length} bytes from {entry.CompressedLength} compressed");
        }

        /// <summary>
        /// A record's bytes, up to <paramref name="limit"/>. The buffer grows with what the entry really holds rather than
        /// being sized by its directory entry, so a size field that lies costs nothing; a mismatch is an error.
        /// </summary>
        public byte[] ReadAll(ZipArchiveEntry entry, long limit)
        {
            CheckClaims(entry);
            if (entry.Length > limit)
                throw new FormatException($"{Path}: {entry.FullName} is {entry.Length} bytes, more than such a record can plausibly be");
            using var input = entry.Open();
            using var buffer = new MemoryStream((int)Math.Min(entry.Length, 1 << 20));
            var chunk = new byte[81920];
            int n;
            while ((n = input.Read(chunk)) > 0)
            {
                if (buffer.Length + n > entry.Length)
                    throw new FormatException($"{Path}: {entry.FullName} holds more than the {entry.Length} bytes its zip entry says; the archive is corrupt");
                buffer.Write(chunk, 0, n);
            }
            if (buffer.Length != entry.Length)
                throw new FormatException($"{Path}: {entry.FullName} holds {buffer.Length} of the {entry.Length} bytes its zip entry says; the archive is truncated or corrupt");
            return buffer.ToArray();
        }

        /// <summary>A UTF-8 text record under the archive folder, or null when there is none.</summary>
        public string? ReadText(string relative)
        {
            var entry = Zip.GetEntry(Prefix + relative);
            if (entry is null) return null;
            try { return StrictUtf8.GetString(ReadAll(entry, MaxTextBytes)); }
            catch (DecoderFallbackException) { throw new FormatException($"{Path}: {entry.FullName} is not UTF-8 text"); }
        }
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private const long MaxTextBytes = 64L << 20;

    private static object? ReadArchive(Archive archive, bool torchScript, List<Tensor> tensors)
    {
        var (zip, path) = (archive.Zip, archive.Path);
        string prefix = ArchivePrefix(zip, path);
        archive.Prefix = prefix;
        // TorchScript archives have a data.pkl too, full of __torch__ classes; torch.load tells them
        // apart by constants.pkl, and so do we, to say what the file is rather than refuse its globals.
        bool isTorchScript = zip.GetEntry(prefix + "constants.pkl") is not null;
        if (isTorchScript && !torchScript)
            throw new FormatException($"{path}: a TorchScript archive (torch.jit.save), not a torch.save file; read it with TorchScriptReader");
        if (!isTorchScript && torchScript)
            throw new FormatException($"{path}: a torch.save file, not a TorchScript archive (torch.jit.save, which OpenAI's .pt checkpoints are)");
        var pickleEntry = zip.GetEntry(prefix + "data.pkl")
            ?? throw new FormatException($"{path}: not a torch.save archive (no {prefix}data.pkl)");
        bool bigEndian = ReadByteOrder(archive, prefix);
        var pickle = archive.ReadAll(pickleEntry, MaxPickleBytes);

        var unpickler = new RestrictedUnpickler(
            pickle,
            $"{path}: {pickleEntry.FullName}",
            pid => LoadStorage(pid, archive, bigEndian),
            args =>
            {
                var t = RebuildTensor(args, path);
                tensors.Add(t);
                return t;
            },
            allowScriptObjects: torchScript);
        return unpickler.Load();
    }

    /// <summary>Like torch's reader: every record lives in the folder named by the first entry.</summary>
    private static string ArchivePrefix(ZipArchive zip, string path)
    {
        if (zip.Entries.Count == 0) throw new FormatException($"{path}: the zip archive is empty");
        string first = zip.Entries[0].FullName;
        int slash = first.IndexOf('/');
        if (slash <= 0) throw new FormatException($"{path}: not a torch.save archive (entry '{first}' is not inside an archive folder)");
        return first[..(slash + 1)];
    }

    private static bool ReadByteOrder(Archive archive, string prefix)
    {
        string path = archive.Path;
        var entry = archive.Zip.GetEntry(prefix + "byteorder");
        // Files from before the byteorder record (PyTorch < 2.1) were little-endian in practice, and
        // torch.load assumes so too.
        if (entry is null) return false;
        if (entry.Length > 16) throw new FormatException($"{path}: {entry.FullName} is not 'little' or 'big'");
        string order = Encoding.ASCII.GetString(archive.ReadAll(entry, 16)).Trim();
        return order switch
        {
            "little" => false,
            "big" => true,
            _ => throw new FormatException($"{path}: {entry.FullName} says '{order}', expected 'little' or 'big'"),
        };
    }

    /// <summary>torch.save's persistent id: ('storage', storage_class, key, location, numel).</summary>
    private static object LoadStorage(object?[] pid, Archive archive, bool bigEndian)
    {
        var (zip, prefix, path, storages) = (archive.Zip, archive.Prefix, archive.Path, archive.Storages);
        if (pid is not ["storage", PickleGlobal { Kind: PickleGlobalKind.StorageClass } cls, string key, string, long numel])
            throw new FormatException($"{path}: persistent id is not ('storage', <storage class>, key, location, numel)");
        var dtype = cls.StorageType;
        if (storages.TryGetValue(key, out var known))
        {
            if (known.Type != dtype)
                throw new FormatException($"{path}: storage 'data/{key}' is used as both {known.Type} and {dtype}");
            return known;
        }
        if (numel < 0) throw new FormatException($"{path}: storage 'data/{key}' has negative size {numel}");
        var entry = zip.GetEntry(prefix + "data/" + key)
            ?? throw new FormatException($"{path}: storage record '{prefix}data/{key}' is missing");
        int elementSize = TorchStorageTypes.ElementSize(dtype);
        long nbytes = numel <= long.MaxValue / elementSize ? numel * elementSize
            : throw new FormatException($"{path}: storage 'data/{key}' claims {numel} elements, more than can exist");
        // torch stores records uncompressed; a deflated one claiming more than deflate's ~1032:1 limit
        // is a zip bomb, refused before anything is allocated for it.
        archive.CheckClaims(entry);
        if (entry.Length != nbytes)
            throw new FormatException($"{path}: storage record '{entry.FullName}' has {entry.Length} bytes but {numel} {dtype} elements need {nbytes}");

        if (archive.ShapesOnly)
        {
            var meta = new TorchStorage(key, dtype, numel, torch.empty(numel, dtype, device: Meta));
            storages[key] = meta;
            return meta;
        }
        var flat = torch.empty(numel, dtype);
        try
        {
            CopyInto(entry, flat, elementSize, bigEndian ? TorchStorageTypes.SwapUnit(dtype) : 1);
        }
        catch
        {
            flat.Dispose();
            throw;
        }
        var storage = new TorchStorage(key, dtype, numel, flat);
        storages[key] = storage;
        return storage;
    }

    /// <summary>Streams a record into a tensor in chunks, so storages over 2 GB load and no second full copy is made.</summary>
    private static void CopyInto(ZipArchiveEntry entry, Tensor flat, int elementSize, int swapUnit)
    {
        long numel = flat.shape[0];
        if (numel == 0) return;
        long chunkElements = Math.Max(1, CopyChunkBytes / elementSize);
        var buffer = new byte[Math.Min(numel, chunkElements) * elementSize];
        using var input = entry.Open();
        for (long start = 0; start < numel; start += chunkElements)
        {
            long count = Math.Min(chunkElements, numel - start);
            var span = buffer.AsSpan(0, (int)(count * elementSize));
            input.ReadExactly(span);
            if (swapUnit > 1) SwapBytes(span, swapUnit);
            using var slice = flat.narrow(0, start, count);
            slice.bytes = span;
        }
    }

    private static void SwapBytes(Span<byte> bytes, int unit)
    {
        for (int i = 0; i + unit <= bytes.Length; i += unit) bytes.Slice(i, unit).Reverse();
    }

    /// <summary>
    /// <c>_rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])</c>:
    /// a strided view of the storage. requires_grad, hooks and metadata are not carried over: they
    /// describe training state, not weights.
    /// </summary>
    private static Tensor RebuildTensor(object?[] args, string path)
    {
        if (args.Length is < 4 or > 7 || args[0] is not TorchStorage storage || args[1] is not long offset)
            throw new FormatException($"{path}: _rebuild_tensor_v2 arguments are not (storage, offset, size, stride, …)");
        long[] size = LongTuple(args[2], "size", storage, path);
        long[] stride = LongTuple(args[3], "stride", storage, path);
        if (size.Length != stride.Length)
            throw new FormatException($"{path}: tensor on storage 'data/{storage.Key}' has {size.Length} sizes but {stride.Length} strides");
        if (size.Any(s => s < 0) || stride.Any(s => s < 0) || offset < 0)
            throw new FormatException($"{path}: tensor on storage 'data/{storage.Key}' has a negative size, stride or offset");

        long count;
        long lastIndex = offset;
        try
        {
            count = size.Aggregate(1L, (a, b) => checked(a * b));
            if (count > 0)
                for (int i = 0; i < size.Length; i++) lastIndex = checked(lastIndex + (size[i] - 1) * stride[i]);
        }
        catch (OverflowException)
        {
            throw new FormatException($"{path}: tensor on storage 'data/{storage.Key}' has sizes that overflow");
        }
        if (count == 0) return torch.empty(size, storage.Type);
        if (lastIndex >= storage.Numel)
            throw new FormatException($"{path}: tensor [{string.Join(", ", size)}] at offset {offset} reaches element {lastIndex} of storage 'data/{storage.Key}', which has {storage.Numel}");
        return storage.Flat.as_strided(size, stride, offset);
    }

    private static long[] LongTuple(object? value, string what, TorchStorage storage, string path)
    {
        IEnumerable<object?>? items = value switch { object?[] t => t, List<object?> l => l, _ => null };
        if (items is null || items.Any(i => i is not long))
            throw new FormatException($"{path}: tensor on storage 'data/{storage.Key}' has a {what} that is not a tuple of ints");
        return items.Select(i => (long)i!).ToArray();
    }

    private static void CheckSignature(Stream stream, string path)
    {
        Span<byte> head = stackalloc byte[4];
        int n = stream.ReadAtLeast(head, 4, throwOnEndOfStream: false);
        stream.Position = 0;
        if (n == 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) return;
        if (n >= 2 && head[0] == PickleOpcodes.Proto)
            throw new FormatException($"{path}: a legacy torch.save file (PyTorch < 1.6, not a zip); re-save it with a current PyTorch");
        throw new FormatException($"{path}: not a torch.save file (no zip signature)");
    }

    private static string OneLine(string message)
    {
        var line = message.ReplaceLineEndings(" ").Trim();
        return line.Length > 160 ? line[..160] + "…" : line;
    }
}
