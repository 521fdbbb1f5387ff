using System.Text.RegularExpressions;
using static TorchSharp.torch;

namespace BlockLora.IO;

/// <summary>
/// Reads the parameters and buffers of a TorchScript archive (<c>torch.jit.save</c>; what OpenAI's <c>ViT-B-16.pt</c>
/// is) as data, the way <see cref="TorchZipPickleReader"/> reads torch.save files: data.pkl through the restricted
/// unpickler, storages from <c>data/</c>, and each module class's <c>__parameters__</c>/<c>__buffers__</c> lines from its
/// <c>code/</c> file. libtorch's own loader is not used: it compiles the archive's TorchScript source, and a damaged
/// source file makes it throw a C++ exception no caller can catch, which aborts the process. Every failure here is one
/// <see cref="FormatException"/> line that names the file.
/// </summary>
public static partial class TorchScriptArchive
{
    // Real module trees are a few levels deep; the bound only keeps a hostile pickle off the call stack's limit.
    private const int MaxDepth = 100;

    /// <summary>
    /// Every parameter and buffer by its dotted module path (the names <c>named_parameters</c>/<c>named_buffers</c>
    /// give), as CPU tensors the caller owns; with <paramref name="shapesOnly"/> they are meta-device tensors (shape
    /// and dtype only) and no weights are read.
    /// </summary>
    public static Dictionary<string, Tensor> ReadState(string path, bool shapesOnly = false)
    {
        var state = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        TorchZipPickleReader.Open(path, torchScript: true, shapesOnly, (root, readCode) =>
        {
            if (root is not TorchScriptObject module)
                throw new FormatException($"{path}: data.pkl does not hold a TorchScript module");
            var walk = new Walk(path, readCode, state);
            walk.Visit(module, "", 0);
            if (state.Count == 0) throw new FormatException($"{path}: the TorchScript archive holds no tensors");
            return new HashSet<Tensor>(state.Values, ReferenceEqualityComparer.Instance);
        });
        return state;
    }

    private sealed class Walk(string path, Func<string, string?> readCode, Dictionary<string, Tensor> state)
    {
        private readonly Dictionary<string, (HashSet<string> Parameters, HashSet<string> Buffers)> slots = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string?> files = new(StringComparer.Ordinal);
        private readonly HashSet<TorchScriptObject> visited = new(ReferenceEqualityComparer.Instance);

        public void Visit(TorchScriptObject module, string prefix, int depth)
        {
            string where = prefix.Length == 0 ? "the root module" : $"module '{prefix.TrimEnd('.')}'";
            // A pickle can make an object its own child, or one child of many parents: refused, so the walk is linear in the file.
            if (depth > MaxDepth || !visited.Add(module))
                throw new FormatException($"{path}: data.pkl: {where} is nested more than {MaxDepth} deep or appears twice in the module tree");
            var attributes = module.Attributes
                ?? throw new FormatException($"{path}: data.pkl: {where} ('{module.QualifiedName}') has no attributes");
            var (parameters, buffers) = SlotsOf(module.QualifiedName);
            foreach (var (name, value) in attributes)
            {
                if (value is TorchScriptObject child) Visit(child, prefix + name + ".", depth + 1);
                else if (value is Tensor tensor && (parameters.Contains(name) || buffers.Contains(name))) state[prefix + name] = tensor;
            }
        }

        /// <summary>
        /// TorchScript writes class <c>a.b.C</c> into <c>code/a/b.py</c>, starting with its parameter and buffer names:
        /// <c>__parameters__ = ["weight", "bias", ]</c>. Other tensor attributes are not part of a state dict.
        /// </summary>
        private (HashSet<string>, HashSet<string>) SlotsOf(string qualifiedName)
        {
            if (slots.TryGetValue(qualifiedName, out var known)) return known;
            int dot = qualifiedName.LastIndexOf('.');
            string file = qualifiedName[..dot].Replace('.', '/') + ".py";
            string className = qualifiedName[(dot + 1)..];
            if (!files.TryGetValue(file, out string? code)) files[file] = code = readCode(file);
            if (code is null) throw new FormatException($"{path}: TorchScript class '{qualifiedName}' has no code/{file}");

            HashSet<string>? parameters = null, buffers = null;
            bool inClass = false;
            foreach (var line in code.Split('\n'))
            {
                if (!inClass)
                {
                    inClass = line.StartsWith($"class {className}(", StringComparison.Ordinal);
                    continue;
                }
                if (line.Length > 0 && !char.IsWhiteSpace(line[0])) break;
                var m = SlotLine().Match(line);
                if (!m.Success) continue;
                var names = QuotedName().Matches(m.Groups["names"].Value).Select(q => q.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
                if (m.Groups["kind"].Value == "parameters") parameters ??= names; else buffers ??= names;
            }
            if (parameters is null)
                throw new FormatException($"{path}: code/{file} does not declare the parameters of TorchScript class '{qualifiedName}'");
            // Archives from before PyTorch 1.6 mark no buffers, and libtorch then reports none; so does this reader.
            return slots[qualifiedName] = (parameters, buffers ?? []);
        }
    }

    [GeneratedRegex(@"^\s+__(?<kind>parameters|buffers)__ = \[(?<names>.*)\]\s*$")]
    private static partial Regex SlotLine();

    [GeneratedRegex("\"([^\"\\\\]*)\"")]
    private static partial Regex QuotedName();
}
