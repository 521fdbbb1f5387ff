using System.Buffers.Binary;
using System.Numerics;
using System.Text;
using static TorchSharp.torch;

namespace BlockLora.IO;

/// <summary>
/// A pickle interpreter that never imports or calls anything the file names. Python's unpickler turns
/// GLOBAL + REDUCE into "import this module, call this function", which is how a malicious checkpoint
/// runs code; here GLOBAL only looks the name up in <see cref="PickleGlobal.Resolve"/>'s allow-list and
/// REDUCE dispatches to this class's own implementation of that kind. Everything else is refused.
/// Supports the opcodes of protocols 2–4 that torch.save (protocol 2 by default) and plain containers use.
/// Results are plain .NET values: <see cref="Dictionary{TKey,TValue}"/> of object → object?,
/// <see cref="List{T}"/> of object? (Python list), object?[] (Python tuple), string, long (or
/// <see cref="BigInteger"/> beyond 64 bits), double, bool, null, byte[], <see cref="HashSet{T}"/> and tensors.
/// </summary>
internal sealed class RestrictedUnpickler
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly byte[] data;
    private readonly string source;
    private readonly Func<object?[], object> persistentLoad;
    private readonly Func<object?[], Tensor> rebuildTensor;
    private readonly bool allowScriptObjects;
    private readonly List<object?> stack = new();
    private readonly Stack<int> marks = new();
    private readonly Dictionary<long, object?> memo = new();
    private int pos;
    private int opStart;

    /// <param name="data">The pickle bytes.</param>
    /// <param name="source">What to call the pickle in messages, e.g. "model.pt: archive/data.pkl".</param>
    /// <param name="persistentLoad">Resolves a persistent id (torch: a storage tuple) to an object.</param>
    /// <param name="rebuildTensor">Implements <c>torch._utils._rebuild_tensor_v2(*args)</c>.</param>
    /// <param name="allowScriptObjects">
    /// Reads objects of TorchScript classes (<c>__torch__.…</c>, what a TorchScript archive's data.pkl is made of) as
    /// <see cref="TorchScriptObject"/>s. Their construction is data only (NEWOBJ with no arguments, then BUILD with an
    /// attribute dict), so this runs nothing either; it is off for torch.save files, which never hold them.
    /// </param>
    public RestrictedUnpickler(byte[] data, string source, Func<object?[], object> persistentLoad, Func<object?[], Tensor> rebuildTensor, bool allowScriptObjects = false)
    {
        this.data = data;
        this.source = source;
        this.persistentLoad = persistentLoad;
        this.rebuildTensor = rebuildTensor;
        this.allowScriptObjects = allowScriptObjects;
    }

    public object? Load()
    {
        while (true)
        {
            opStart = pos;
            byte op = ReadByte();
            switch (op)
            {
                case PickleOpcodes.Proto:
                    if (ReadByte() > 5) throw Fail("pickle protocol newer than 5");
                    break;
                case PickleOpcodes.Frame:
                    // Frames only tell a streaming reader how much to buffer; the whole pickle is in memory.
                    ReadUInt64();
                    break;
                case PickleOpcodes.Stop:
                    if (stack.Count == 0) throw Fail("STOP with an empty stack");
                    return stack[^1];

                case PickleOpcodes.Mark: marks.Push(stack.Count); break;
                case PickleOpcodes.Pop: Pop(); break;
                case PickleOpcodes.PopMark: PopMark(); break;
                case PickleOpcodes.Dup: Push(Peek()); break;

                case PickleOpcodes.None: Push(null); break;
                case PickleOpcodes.NewTrue: Push(true); break;
                case PickleOpcodes.NewFalse: Push(false); break;
                case PickleOpcodes.BinInt: Push((long)BinaryPrimitives.ReadInt32LittleEndian(Read(4))); break;
                case PickleOpcodes.BinInt1: Push((long)ReadByte()); break;
                case PickleOpcodes.BinInt2: Push((long)BinaryPrimitives.ReadUInt16LittleEndian(Read(2))); break;
                case PickleOpcodes.Long1: Push(DecodeLong(Read(ReadByte()))); break;
                case PickleOpcodes.Long4:
                    {
                        int n = BinaryPrimitives.ReadInt32LittleEndian(Read(4));
                        if (n < 0) throw Fail("negative LONG4 length");
                        Push(DecodeLong(Read(n)));
                        break;
                    }
                case PickleOpcodes.BinFloat: Push(BinaryPrimitives.ReadDoubleBigEndian(Read(8))); break;

                case PickleOpcodes.ShortBinUnicode: Push(DecodeUtf8(Read(ReadByte()))); break;
                case PickleOpcodes.BinUnicode: Push(DecodeUtf8(Read(ReadLength32()))); break;
                case PickleOpcodes.BinUnicode8: Push(DecodeUtf8(Read(ReadLength64()))); break;
                // Python 2 str; torch.load decodes these as UTF-8 by default, so do we.
                case PickleOpcodes.ShortBinString: Push(DecodeUtf8(Read(ReadByte()))); break;
                case PickleOpcodes.BinString:
                    {
                        int n = BinaryPrimitives.ReadInt32LittleEndian(Read(4));
                        if (n < 0) throw Fail("negative BINSTRING length");
                        Push(DecodeUtf8(Read(n)));
                        break;
                    }
                case PickleOpcodes.ShortBinBytes: Push(Read(ReadByte()).ToArray()); break;
                case PickleOpcodes.BinBytes: Push(Read(ReadLength32()).ToArray()); break;
                case PickleOpcodes.BinBytes8: Push(Read(ReadLength64()).ToArray()); break;

                case PickleOpcodes.EmptyTuple: Push(Array.Empty<object?>()); break;
                case PickleOpcodes.Tuple: Push(PopMark().ToArray()); break;
                case PickleOpcodes.Tuple1: Push(PopN(1)); break;
                case PickleOpcodes.Tuple2: Push(PopN(2)); break;
                case PickleOpcodes.Tuple3: Push(PopN(3)); break;

                case PickleOpcodes.EmptyList: Push(new List<object?>()); break;
                case PickleOpcodes.List: Push(PopMark()); break;
                case PickleOpcodes.Append:
                    {
                        var item = Pop();
                        PeekAs<List<object?>>("APPEND").Add(item);
                        break;
                    }
                case PickleOpcodes.Appends:
                    {
                        var items = PopMark();
                        PeekAs<List<object?>>("APPENDS").AddRange(items);
                        break;
                    }

                case PickleOpcodes.EmptyDict: Push(new Dictionary<object, object?>()); break;
                case PickleOpcodes.Dict:
                    {
                        var items = PopMark();
                        var dict = new Dictionary<object, object?>();
                        SetItems(dict, items);
                        Push(dict);
                        break;
                    }
                case PickleOpcodes.SetItem:
                    {
                        var value = Pop();
                        var key = Pop();
                        SetItems(PeekAs<Dictionary<object, object?>>("SETITEM"), [key, value]);
                        break;
                    }
                case PickleOpcodes.SetItems:
                    {
                        var items = PopMark();
                        SetItems(PeekAs<Dictionary<object, object?>>("SETITEMS"), items);
                        break;
                    }

                case PickleOpcodes.EmptySet: Push(new HashSet<object?>()); break;
                case PickleOpcodes.AddItems:
                    {
                        var items = PopMark();
                        PeekAs<HashSet<object?>>("ADDITEMS").UnionWith(items);
                        break;
                    }
                case PickleOpcodes.FrozenSet: Push(new HashSet<object?>(PopMark())); break;

                case PickleOpcodes.BinPut: memo[ReadByte()] = Peek(); break;
                case PickleOpcodes.LongBinPut: memo[BinaryPrimitives.ReadUInt32LittleEndian(Read(4))] = Peek(); break;
                case PickleOpcodes.Memoize: memo[memo.Count] = Peek(); break;
                case PickleOpcodes.BinGet: Push(MemoGet(ReadByte())); break;
                case PickleOpcodes.LongBinGet: Push(MemoGet(BinaryPrimitives.ReadUInt32LittleEndian(Read(4)))); break;

                case PickleOpcodes.Global:
                    {
                        string module = ReadLine();
                        string name = ReadLine();
                        Push(ResolveGlobal(module, name));
                        break;
                    }
                case PickleOpcodes.StackGlobal:
                    {
                        var name = Pop() as string ?? throw Fail("STACK_GLOBAL needs a string name");
                        var module = Pop() as string ?? throw Fail("STACK_GLOBAL needs a string module");
                        Push(ResolveGlobal(module, name));
                        break;
                    }
                case PickleOpcodes.Reduce:
                    {
                        var args = Pop() as object?[] ?? throw Fail("REDUCE needs an argument tuple");
                        var callable = Pop();
                        Push(Call(callable, args));
                        break;
                    }
                case PickleOpcodes.NewObj:
                    {
                        var args = Pop() as object?[] ?? throw Fail("NEWOBJ needs an argument tuple");
                        var cls = Pop();
                        Push(NewObject(cls, args));
                        break;
                    }
                case PickleOpcodes.Build:
                    {
                        var state = Pop();
                        Build(Peek(), state);
                        break;
                    }
                case PickleOpcodes.BinPersId:
                    {
                        var pid = Pop() as object?[] ?? throw Fail("persistent id is not a tuple");
                        Push(persistentLoad(pid));
                        break;
                    }

                default:
                    throw Fail($"unsupported pickle opcode 0x{op:x2}");
            }
        }
    }

    private object ResolveGlobal(string module, string name)
    {
        module = PickleGlobal.MapPython2Module(module);
        if (allowScriptObjects && PickleGlobal.IsScriptClass(module, name)) return new PickleGlobal(module, name, PickleGlobalKind.ScriptClass);
        return PickleGlobal.Resolve(module, name)
            ?? throw new PickleSecurityException(
                $"{source}: refuses to load global '{module}.{name}' (only tensors, containers and plain values are read; nothing in a file is executed)",
                $"{module}.{name}");
    }

    private object? Call(object? callable, object?[] args)
    {
        if (callable is not PickleGlobal g) throw Fail($"REDUCE on {Describe(callable)}, which is not an allowed callable");
        switch (g.Kind)
        {
            case PickleGlobalKind.OrderedDict:
                {
                    var dict = new Dictionary<object, object?>();
                    if (args.Length == 1)
                        foreach (var pair in AsSequence(args[0], g))
                        {
                            object?[] items = pair switch
                            {
                                object?[] { Length: 2 } tuple => tuple,
                                List<object?> { Count: 2 } list => list.ToArray(),
                                _ => throw Fail($"{g.FullName} argument is not a sequence of pairs"),
                            };
                            SetItems(dict, items);
                        }
                    else if (args.Length != 0) throw Fail($"{g.FullName} takes at most one argument");
                    return dict;
                }
            case PickleGlobalKind.RebuildTensorV2:
                return rebuildTensor(args);
            case PickleGlobalKind.RebuildParameter or PickleGlobalKind.RebuildParameterWithState:
                // A Parameter is its data plus requires_grad; the data is all a reader of weights needs.
                return args.Length >= 1 && args[0] is Tensor t ? t : throw Fail($"{g.FullName} needs a tensor as its first argument");
            case PickleGlobalKind.TorchSize:
                return args.Length == 1 ? AsSequence(args[0], g).ToArray() : throw Fail($"{g.FullName} takes one argument");
            case PickleGlobalKind.Set or PickleGlobalKind.FrozenSet:
                return args.Length switch
                {
                    0 => new HashSet<object?>(),
                    1 => new HashSet<object?>(AsSequence(args[0], g)),
                    _ => throw Fail($"{g.FullName} takes at most one argument"),
                };
            case PickleGlobalKind.List:
                return args.Length switch
                {
                    0 => new List<object?>(),
                    1 => new List<object?>(AsSequence(args[0], g)),
                    _ => throw Fail($"{g.FullName} takes at most one argument"),
                };
            case PickleGlobalKind.Tuple:
                return args.Length switch
                {
                    0 => Array.Empty<object?>(),
                    1 => AsSequence(args[0], g).ToArray(),
                    _ => throw Fail($"{g.FullName} takes at most one argument"),
                };
            case PickleGlobalKind.Bytes:
                return args.Length == 0 ? Array.Empty<byte>() : throw Fail($"{g.FullName} is only read with no arguments");
            case PickleGlobalKind.CodecsEncode:
                if (args is [string text, string encoding] && encoding is "latin1" or "latin-1" or "iso-8859-1")
                {
                    var bytes = new byte[text.Length];
                    for (int i = 0; i < text.Length; i++)
                        bytes[i] = text[i] <= 0xff ? (byte)text[i] : throw Fail("_codecs.encode text is not latin-1");
                    return bytes;
                }
                throw Fail("_codecs.encode is only read as encode(text, 'latin1')");
            default:
                throw Fail($"refuses to call '{g.FullName}'");
        }
    }

    private object NewObject(object? cls, object?[] args)
    {
        // Only classes whose construction is pure data; NEWOBJ calls cls.__new__(cls, *args) in Python.
        if (cls is PickleGlobal { Kind: PickleGlobalKind.OrderedDict } && args.Length == 0) return new Dictionary<object, object?>();
        if (cls is PickleGlobal { Kind: PickleGlobalKind.Set } && args.Length == 0) return new HashSet<object?>();
        if (cls is PickleGlobal { Kind: PickleGlobalKind.ScriptClass } script && args.Length == 0) return new TorchScriptObject(script.FullName);
        throw Fail($"NEWOBJ on {Describe(cls)} is not allowed");
    }

    private void Build(object? target, object? state)
    {
        // BUILD sets attributes. On an OrderedDict it restores things like a state dict's `_metadata`
        // (module versions), which a reader of tensors does not need; refusing would reject ordinary
        // state dicts, so the state is dropped. On anything else it would mean running __setstate__.
        if (target is Dictionary<object, object?>) return;
        if (target is TorchScriptObject script)
        {
            // TorchScript's pickler writes a module's attributes as one string-keyed dict, once.
            if (script.Attributes is not null) throw Fail($"BUILD twice on '{script.QualifiedName}'");
            if (state is not Dictionary<object, object?> attributes || attributes.Keys.Any(k => k is not string))
                throw Fail($"BUILD on '{script.QualifiedName}' with {Describe(state)}, not an attribute dict");
            script.Attributes = attributes.ToDictionary(p => (string)p.Key, p => p.Value, StringComparer.Ordinal);
            return;
        }
        throw Fail($"BUILD on {Describe(target)} is not allowed");
    }

    private IEnumerable<object?> AsSequence(object? value, PickleGlobal g) => value switch
    {
        object?[] tuple => tuple,
        List<object?> list => list,
        HashSet<object?> set => set,
        _ => throw Fail($"{g.FullName} argument is {Describe(value)}, not a sequence"),
    };

    private void SetItems(Dictionary<object, object?> dict, IReadOnlyList<object?> items)
    {
        if (items.Count % 2 != 0) throw Fail("odd number of items for a dict");
        for (int i = 0; i < items.Count; i += 2)
        {
            var key = items[i] ?? throw Fail("dict key None is not supported");
            if (key is Dictionary<object, object?> or List<object?> or HashSet<object?>) throw Fail("unhashable dict key");
            dict[key] = items[i + 1];
        }
    }

    private static object DecodeLong(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length == 0) return 0L;
        if (bytes.Length <= 8)
        {
            // Little-endian two's complement: sign-extend from the top byte.
            long value = (sbyte)bytes[^1];
            for (int i = bytes.Length - 2; i >= 0; i--) value = (value << 8) | bytes[i];
            return value;
        }
        var big = new BigInteger(bytes, isUnsigned: false, isBigEndian: false);
        return big >= long.MinValue && big <= long.MaxValue ? (long)big : big;
    }

    private string DecodeUtf8(ReadOnlySpan<byte> bytes)
    {
        try { return StrictUtf8.GetString(bytes); }
        catch (DecoderFallbackException) { throw Fail("string is not valid UTF-8"); }
    }

    private string ReadLine()
    {
        int end = Array.IndexOf(data, (byte)'\n', pos);
        if (end < 0) throw Fail("pickle ends inside a GLOBAL name");
        var line = DecodeUtf8(data.AsSpan(pos, end - pos));
        pos = end + 1;
        return line;
    }

    private byte ReadByte()
    {
        if (pos >= data.Length) throw Fail("pickle ends early (no STOP)");
        return data[pos++];
    }

    private ReadOnlySpan<byte> Read(long count)
    {
        if (count < 0 || count > data.Length - pos) throw Fail("pickle ends early");
        var span = data.AsSpan(pos, (int)count);
        pos += (int)count;
        return span;
    }

    private ulong ReadUInt64() => BinaryPrimitives.ReadUInt64LittleEndian(Read(8));
    private long ReadLength32() => BinaryPrimitives.ReadUInt32LittleEndian(Read(4));

    private long ReadLength64()
    {
        ulong n = ReadUInt64();
        return n > int.MaxValue ? throw Fail("pickle ends early") : (long)n;
    }

    private void Push(object? value) => stack.Add(value);

    private object? Pop()
    {
        if (stack.Count == 0 || (marks.Count > 0 && stack.Count == marks.Peek())) throw Fail("stack underflow");
        var value = stack[^1];
        stack.RemoveAt(stack.Count - 1);
        return value;
    }

    private object? Peek()
    {
        if (stack.Count == 0 || (marks.Count > 0 && stack.Count == marks.Peek())) throw Fail("stack underflow");
        return stack[^1];
    }

    private T PeekAs<T>(string opcode) where T : class =>
        Peek() as T ?? throw Fail($"{opcode} on {Describe(Peek())}");

    private object?[] PopN(int n)
    {
        var items = new object?[n];
        for (int i = n - 1; i >= 0; i--) items[i] = Pop();
        return items;
    }

    private List<object?> PopMark()
    {
        if (marks.Count == 0) throw Fail("no MARK on the stack");
        int start = marks.Pop();
        var items = stack.GetRange(start, stack.Count - start);
        stack.RemoveRange(start, stack.Count - start);
        return items;
    }

    private object? MemoGet(long index) =>
        memo.TryGetValue(index, out var value) ? value : throw Fail($"memo entry {index} was never stored");

    private static string Describe(object? value) => value switch
    {
        null => "None",
        PickleGlobal g => $"'{g.FullName}'",
        Tensor => "a tensor",
        TorchScriptObject script => $"a '{script.QualifiedName}' object",
        _ => $"a {value.GetType().Name}",
    };

    private FormatException Fail(string what) => new($"{source}: {what} (at byte {opStart})");
}
