using static TorchSharp.torch;

namespace BlockLora.IO;

/// <summary>What an allow-listed global stands for; the reader implements each kind itself.</summary>
internal enum PickleGlobalKind
{
    OrderedDict,
    RebuildTensorV2,
    RebuildParameter,
    RebuildParameterWithState,
    StorageClass,
    TorchSize,
    Set,
    FrozenSet,
    List,
    Tuple,
    Bytes,
    CodecsEncode,
    /// <summary>A TorchScript class (<c>__torch__.…</c>); only allowed where the reader opts in.</summary>
    ScriptClass,
}

/// <summary>
/// An allow-listed Python global as it sits on the unpickler's stack. It is only a name: "calling" it
/// (REDUCE/NEWOBJ) runs the reader's own C# for that kind, never anything named by the file.
/// </summary>
internal sealed record PickleGlobal(string Module, string Name, PickleGlobalKind Kind, ScalarType StorageType = ScalarType.Byte)
{
    public string FullName => $"{Module}.{Name}";

    /// <summary>
    /// The allow-list. Module names arrive already mapped from Python 2 spellings
    /// (protocol 2 pickles write <c>__builtin__</c> for <c>builtins</c>). Returns null for anything else.
    /// </summary>
    public static PickleGlobal? Resolve(string module, string name)
    {
        PickleGlobal Of(PickleGlobalKind kind) => new(module, name, kind);
        switch (module, name)
        {
            case ("collections", "OrderedDict"): return Of(PickleGlobalKind.OrderedDict);
            case ("torch._utils", "_rebuild_tensor_v2"): return Of(PickleGlobalKind.RebuildTensorV2);
            case ("torch._utils", "_rebuild_parameter"): return Of(PickleGlobalKind.RebuildParameter);
            case ("torch._utils", "_rebuild_parameter_with_state"): return Of(PickleGlobalKind.RebuildParameterWithState);
            case ("torch", "Size"): return Of(PickleGlobalKind.TorchSize);
            // UntypedStorage is raw bytes: torch.load reads it as uint8.
            case ("torch.storage", "UntypedStorage") or ("torch", "UntypedStorage"):
                return new(module, name, PickleGlobalKind.StorageClass, ScalarType.Byte);
            case ("builtins", "set"): return Of(PickleGlobalKind.Set);
            case ("builtins", "frozenset"): return Of(PickleGlobalKind.FrozenSet);
            case ("builtins", "list"): return Of(PickleGlobalKind.List);
            case ("builtins", "tuple"): return Of(PickleGlobalKind.Tuple);
            case ("builtins", "bytes"): return Of(PickleGlobalKind.Bytes);
            // Protocol 2 has no bytes opcode; Python writes bytes as _codecs.encode(text, 'latin1').
            case ("_codecs", "encode"): return Of(PickleGlobalKind.CodecsEncode);
        }
        if (module == "torch" && TorchStorageTypes.FromClassName(name) is { } dtype)
            return new(module, name, PickleGlobalKind.StorageClass, dtype);
        return null;
    }

    /// <summary>Whether a global names a TorchScript class: module <c>__torch__</c> or below it, and a plain identifier.</summary>
    public static bool IsScriptClass(string module, string name) =>
        (module == "__torch__" || module.StartsWith("__torch__.", StringComparison.Ordinal))
        && name.Length > 0 && !char.IsDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    /// <summary>Python 3's unpickler maps these Python 2 module names back (fix_imports); so do we.</summary>
    public static string MapPython2Module(string module) => module switch
    {
        "__builtin__" => "builtins",
        "copy_reg" => "copyreg",
        _ => module,
    };
}
