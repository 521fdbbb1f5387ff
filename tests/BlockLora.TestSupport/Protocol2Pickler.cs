using System.Buffers.Binary;
using System.Collections;
using System.Numerics;
using System.Text;
using BlockLora.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace BlockLora.Tests;

/// <summary>
/// Writes a pickle the way CPython's pickler does at protocol 2 (torch.save's default), for plain
/// values, containers and tensors; <see cref="TorchZipPickleWriter"/> puts it in the zip. Same opcode
/// choices as CPython (BININT1/2 for small ints, TUPLE1–3, batched SETITEMS/APPENDS, BINPUT after every
/// container, string and global, BINGET on repeats), and tensors exactly as
/// <c>Tensor.__reduce_ex__</c> + torch.save's <c>persistent_id</c> describe them, so torch.load —
/// including its <c>weights_only</c> unpickler — reads the result.
/// </summary>
internal sealed class Protocol2Pickler
{
    private const int BatchSize = 1000; // CPython's _BATCHSIZE

    private readonly MemoryStream output = new();
    private readonly Dictionary<object, int> objectMemo = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, int> stringMemo = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> globalMemo = new(StringComparer.Ordinal);
    private readonly List<(string Key, Tensor Flat)> storages = new();
    private int memoCount;

    /// <summary>Storages to write as <c>data/&lt;key&gt;</c>, each a contiguous 1-D CPU tensor owned by the caller.</summary>
    public IReadOnlyList<(string Key, Tensor Flat)> Storages => storages;

    public byte[] Dump(object? root)
    {
        output.WriteByte(PickleOpcodes.Proto);
        output.WriteByte(2);
        Save(root, "root");
        output.WriteByte(PickleOpcodes.Stop);
        return output.ToArray();
    }

    private void Save(object? value, string where)
    {
        switch (value)
        {
            case null: output.WriteByte(PickleOpcodes.None); return;
            case bool b: output.WriteByte(b ? PickleOpcodes.NewTrue : PickleOpcodes.NewFalse); return;
            case sbyte or byte or short or ushort or int or uint or long: SaveInt(Convert.ToInt64(value)); return;
            case ulong u: SaveBigInteger(u); return;
            case BigInteger big: SaveBigInteger(big); return;
            case float f: SaveFloat(f); return;
            case double d: SaveFloat(d); return;
            case Half h: SaveFloat((double)h); return;
            case string s: SaveString(s); return;
            case byte[] bytes: SaveBytes(bytes); return;
            case Tensor t: SaveTensor(t, where); return;
            // Exactly object[]: array covariance would otherwise make a string[] a tuple too.
            case object?[] tuple when tuple.GetType() == typeof(object[]): SaveTuple(tuple, where); return;
            case IDictionary dict: SaveDict(dict, where); return;
            case IEnumerable list: SaveList(list, where); return;
            default: throw new ArgumentException($"{where}: a {value.GetType().Name} cannot be pickled (use dicts, lists, object[] tuples, strings, numbers, bools, null, byte[] or tensors)");
        }
    }

    private void SaveInt(long v)
    {
        if (v is >= 0 and <= 0xff)
        {
            output.WriteByte(PickleOpcodes.BinInt1);
            output.WriteByte((byte)v);
        }
        else if (v is >= 0 and <= 0xffff)
        {
            output.WriteByte(PickleOpcodes.BinInt2);
            Span<byte> b = stackalloc byte[2];
            BinaryPrimitives.WriteUInt16LittleEndian(b, (ushort)v);
            output.Write(b);
        }
        else if (v is >= int.MinValue and <= int.MaxValue)
        {
            output.WriteByte(PickleOpcodes.BinInt);
            Span<byte> b = stackalloc byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(b, (int)v);
            output.Write(b);
        }
        else SaveBigInteger(v);
    }

    private void SaveBigInteger(BigInteger v)
    {
        if (v >= int.MinValue && v <= int.MaxValue) { SaveInt((long)v); return; }
        // LONG1: minimal little-endian two's complement, as pickle.encode_long produces.
        byte[] bytes = v.ToByteArray(isUnsigned: false, isBigEndian: false);
        if (bytes.Length > 255) throw new ArgumentException("integer too large to pickle with LONG1");
        output.WriteByte(PickleOpcodes.Long1);
        output.WriteByte((byte)bytes.Length);
        output.Write(bytes);
    }

    private void SaveFloat(double v)
    {
        output.WriteByte(PickleOpcodes.BinFloat);
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteDoubleBigEndian(b, v);
        output.Write(b);
    }

    private void SaveString(string s)
    {
        if (stringMemo.TryGetValue(s, out int index)) { Get(index); return; }
        byte[] utf8 = Encoding.UTF8.GetBytes(s);
        output.WriteByte(PickleOpcodes.BinUnicode);
        Span<byte> len = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(len, (uint)utf8.Length);
        output.Write(len);
        output.Write(utf8);
        stringMemo[s] = Put();
    }

    /// <summary>Protocol 2 has no bytes opcode; CPython writes <c>_codecs.encode(latin1_text, 'latin1')</c>.</summary>
    private void SaveBytes(byte[] bytes)
    {
        if (objectMemo.TryGetValue(bytes, out int index)) { Get(index); return; }
        if (bytes.Length == 0)
        {
            SaveGlobal("__builtin__", "bytes");
            output.WriteByte(PickleOpcodes.EmptyTuple);
        }
        else
        {
            SaveGlobal("_codecs", "encode");
            SaveString(string.Create(bytes.Length, bytes, (chars, b) => { for (int i = 0; i < b.Length; i++) chars[i] = (char)b[i]; }));
            SaveString("latin1");
            output.WriteByte(PickleOpcodes.Tuple2);
            Put();
        }
        output.WriteByte(PickleOpcodes.Reduce);
        objectMemo[bytes] = Put();
    }

    private void SaveTuple(object?[] tuple, string where)
    {
        if (tuple.Length == 0) { output.WriteByte(PickleOpcodes.EmptyTuple); return; }
        if (objectMemo.TryGetValue(tuple, out int index)) { Get(index); return; }
        if (tuple.Length <= 3)
        {
            for (int i = 0; i < tuple.Length; i++) Save(tuple[i], $"{where}[{i}]");
            output.WriteByte(tuple.Length switch { 1 => PickleOpcodes.Tuple1, 2 => PickleOpcodes.Tuple2, _ => PickleOpcodes.Tuple3 });
        }
        else
        {
            output.WriteByte(PickleOpcodes.Mark);
            for (int i = 0; i < tuple.Length; i++) Save(tuple[i], $"{where}[{i}]");
            output.WriteByte(PickleOpcodes.Tuple);
        }
        objectMemo[tuple] = Put();
    }

    private void SaveList(IEnumerable list, string where)
    {
        if (objectMemo.TryGetValue(list, out int index)) { Get(index); return; }
        output.WriteByte(PickleOpcodes.EmptyList);
        objectMemo[list] = Put(); // before the items, so a list that contains itself pickles as Python's does
        var items = list.Cast<object?>().ToList();
        for (int start = 0; start < items.Count; start += BatchSize)
        {
            int n = Math.Min(BatchSize, items.Count - start);
            if (n == 1)
            {
                Save(items[start], $"{where}[{start}]");
                output.WriteByte(PickleOpcodes.Append);
                continue;
            }
            output.WriteByte(PickleOpcodes.Mark);
            for (int i = start; i < start + n; i++) Save(items[i], $"{where}[{i}]");
            output.WriteByte(PickleOpcodes.Appends);
        }
    }

    private void SaveDict(IDictionary dict, string where)
    {
        if (objectMemo.TryGetValue(dict, out int index)) { Get(index); return; }
        output.WriteByte(PickleOpcodes.EmptyDict);
        objectMemo[dict] = Put();
        // IDictionary's own enumerator yields DictionaryEntry for every dictionary type; the generic
        // IEnumerable one (what LINQ would use) yields KeyValuePair<,> instead.
        var entries = new List<DictionaryEntry>();
        for (var e = dict.GetEnumerator(); e.MoveNext();) entries.Add(e.Entry);
        for (int start = 0; start < entries.Count; start += BatchSize)
        {
            int n = Math.Min(BatchSize, entries.Count - start);
            if (n > 1) output.WriteByte(PickleOpcodes.Mark);
            for (int i = start; i < start + n; i++)
            {
                string child = $"{where}[{entries[i].Key}]";
                Save(entries[i].Key, child);
                Save(entries[i].Value, child);
            }
            output.WriteByte(n > 1 ? PickleOpcodes.SetItems : PickleOpcodes.SetItem);
        }
    }

    /// <summary>
    /// <c>_rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, OrderedDict())</c> with
    /// the storage as persistent id <c>('storage', torch.&lt;T&gt;Storage, key, 'cpu', numel)</c>. The
    /// stored storage runs from element 0 to the last element the view touches, so a view's offset and
    /// strides survive the round trip (torch writes the whole storage; a prefix of it is equally valid).
    /// </summary>
    private void SaveTensor(Tensor tensor, string where)
    {
        if (objectMemo.TryGetValue(tensor, out int index)) { Get(index); return; }
        string storageClass;
        try { storageClass = TorchStorageTypes.ClassName(tensor.dtype); }
        catch (ArgumentException) { throw new ArgumentException($"{where}: tensors of dtype {tensor.dtype} cannot be saved"); }

        using var source = tensor.detach();
        Tensor cpu = source.device_type == DeviceType.CPU ? source.alias() : source.cpu();
        long[] size, stride;
        long offset, extent;
        Tensor flat;
        using (cpu)
        {
            size = cpu.shape;
            if (cpu.numel() == 0)
            {
                stride = ContiguousStrides(size);
                offset = 0;
                extent = 0;
                flat = torch.empty(0, cpu.dtype);
            }
            else
            {
                stride = cpu.stride();
                offset = cpu.storage_offset();
                extent = offset + 1;
                for (int i = 0; i < size.Length; i++) extent += (size[i] - 1) * stride[i];
                flat = cpu.as_strided([extent], [1], 0).contiguous();
            }
        }
        string key = storages.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        storages.Add((key, flat));

        SaveGlobal("torch._utils", "_rebuild_tensor_v2");
        output.WriteByte(PickleOpcodes.Mark);
        // persistent id tuple, pickled normally and then consumed by BINPERSID
        output.WriteByte(PickleOpcodes.Mark);
        SaveString("storage");
        SaveGlobal("torch", storageClass);
        SaveString(key);
        SaveString("cpu");
        SaveInt(extent);
        output.WriteByte(PickleOpcodes.Tuple);
        Put();
        output.WriteByte(PickleOpcodes.BinPersId);
        SaveInt(offset);
        SaveTuple(size.Select(s => (object?)s).ToArray(), where);
        SaveTuple(stride.Select(s => (object?)s).ToArray(), where);
        output.WriteByte(tensor.requires_grad ? PickleOpcodes.NewTrue : PickleOpcodes.NewFalse);
        // backward_hooks: always an empty OrderedDict in torch.save output
        SaveGlobal("collections", "OrderedDict");
        output.WriteByte(PickleOpcodes.EmptyTuple);
        output.WriteByte(PickleOpcodes.Reduce);
        Put();
        output.WriteByte(PickleOpcodes.Tuple);
        Put();
        output.WriteByte(PickleOpcodes.Reduce);
        objectMemo[tensor] = Put();
    }

    private static long[] ContiguousStrides(long[] size)
    {
        var stride = new long[size.Length];
        long s = 1;
        for (int i = size.Length - 1; i >= 0; i--) { stride[i] = s; s *= Math.Max(1, size[i]); }
        return stride;
    }

    private void SaveGlobal(string module, string name)
    {
        string full = module + "\n" + name + "\n";
        if (globalMemo.TryGetValue(full, out int index)) { Get(index); return; }
        output.WriteByte(PickleOpcodes.Global);
        output.Write(Encoding.ASCII.GetBytes(full));
        globalMemo[full] = Put();
    }

    private int Put()
    {
        int index = memoCount++;
        if (index < 256)
        {
            output.WriteByte(PickleOpcodes.BinPut);
            output.WriteByte((byte)index);
        }
        else
        {
            output.WriteByte(PickleOpcodes.LongBinPut);
            Span<byte> b = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(b, (uint)index);
            output.Write(b);
        }
        return index;
    }

    private void Get(int index)
    {
        if (index < 256)
        {
            output.WriteByte(PickleOpcodes.BinGet);
            output.WriteByte((byte)index);
        }
        else
        {
            output.WriteByte(PickleOpcodes.LongBinGet);
            Span<byte> b = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(b, (uint)index);
            output.Write(b);
        }
    }
}
