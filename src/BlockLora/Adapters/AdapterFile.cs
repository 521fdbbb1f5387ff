using BlockLora.Clip;
using BlockLora.IO;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BlockLora.Adapters;

/// <summary>
/// The adapter file of docs/method.md: safetensors with the tensors the method registers
/// (<see cref="AdapterMethodRegistration.Tensors"/>; LoRA and Block-LoRA: <c>&lt;module path&gt;.lora_A</c> [r, k/n] and
/// <c>.lora_B</c> [d, r]) per adapted matrix and the config in <c>__metadata__</c>. Loading checks the
/// file on its own, then against the base, and every failure is an <see cref="AdapterFileException"/>
/// whose one-line message starts with the file path and names the tensor or key.
/// </summary>
public static class AdapterFile
{
    private static readonly List<IForeignAdapterFormat> foreignFormats = [];

    /// <summary>Writes the set's tensors (fp32) and config atomically; <paramref name="provenance"/> adds keys such as dataset, shots, iterations, commit.</summary>
    public static void Save(string path, AdapterSet set, IReadOnlyDictionary<string, string>? provenance = null)
    {
        var registration = AdapterMethodRegistry.For(set.Config);
        var named = set.Matrices
            .SelectMany(m => registration.TensorsFor(set.Config).Select(t => (Name: $"{m.Path}.{t.Name}", Parameter: ParameterNamed(set.Adapters[m.Path], t.Name, m.Path))))
            .ToList();
        long parameterCount = named.Sum(p => p.Parameter.numel());
        var metadata = AdapterMetadata.From(set.Config, set.BaseConfig, parameterCount, provenance);
        using var scope = NewDisposeScope();
        var tensors = named.Select(p => new KeyValuePair<string, Tensor>(p.Name, p.Parameter.detach().to(ScalarType.Float32)));
        SafeTensorsFile.Save(path, tensors, metadata);
    }

    private static Parameter ParameterNamed(MethodAdapter adapter, string name, string matrixPath) =>
        adapter.NamedParameters.FirstOrDefault(p => p.Name == name).Parameter
        ?? throw new InvalidOperationException($"the adapter for {matrixPath} has no tensor '{name}', which {AdapterMethods.Format(adapter.Method)} registers");

    /// <summary>Lets every read of an adapter file accept another tool's format (Interop registers CLIP-LoRA's <c>.pt</c>).</summary>
    public static void Register(IForeignAdapterFormat format)
    {
        lock (foreignFormats)
            if (!foreignFormats.Contains(format)) foreignFormats.Add(format);
    }

    private static IForeignAdapterFormat? ForeignFormatOf(string path)
    {
        lock (foreignFormats) return foreignFormats.FirstOrDefault(f => f.Recognises(path));
    }

    /// <summary>
    /// Reads and checks a file without a base model. A registered foreign format (CLIP-LoRA's <c>.pt</c>) is refused
    /// with what it is and how to convert it: which blocks it adapts depends on the base (<see cref="Read(string, ClipConfig)"/> reads it).
    /// </summary>
    public static AdapterFileContents Read(string path)
    {
        if (ForeignFormatOf(path) is { } foreign) throw new AdapterFileException(foreign.WithoutBaseMessage(path));
        SafeTensorsFile.Contents raw;
        try
        {
            raw = SafeTensorsFile.Load(path);
        }
        catch (FormatException e)
        {
            throw new AdapterFileException(e.Message.StartsWith(path, StringComparison.Ordinal) ? e.Message : $"{path}: {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AdapterFileException($"{path}: cannot read the file ({e.Message})", e);
        }
        return FromTensors(path, raw.Tensors, raw.Metadata);
    }

    /// <summary>
    /// Reads and checks a file for a CLIP of the given sizes: a safetensors adapter as <see cref="Read(string)"/>
    /// does, a registered foreign format (CLIP-LoRA's <c>.pt</c>) imported in memory for that CLIP's layer counts and widths.
    /// </summary>
    public static AdapterFileContents Read(string path, ClipConfig clip)
    {
        if (ForeignFormatOf(path) is not { } foreign) return Read(path);
        var imported = foreign.Read(path, clip);
        return FromTensors(path, imported.Tensors, imported.Metadata);
    }

    /// <summary>Checks tensors and metadata as a file holds them; takes ownership of <paramref name="tensors"/>.</summary>
    private static AdapterFileContents FromTensors(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        // By reference: Tensor.Equals compares values, and fresh B tensors are all equal (zero).
        var kept = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        try
        {
            var config = AdapterMetadata.ToConfig(metadata, path, tensors.Keys);
            var matrices = GroupTensors(tensors, config, path, kept);
            return new AdapterFileContents(path, config, metadata, matrices);
        }
        catch
        {
            foreach (var t in kept) t.Dispose();
            throw;
        }
        finally
        {
            foreach (var t in tensors.Values) if (!kept.Contains(t)) t.Dispose();
        }
    }

    /// <summary>Reads a file, checks it against <paramref name="model"/> and returns its adapters, attached to the model unless <paramref name="attach"/> is false.</summary>
    public static AdapterSet Load(string path, ClipModel model, bool attach = true)
    {
        var set = Load(path, model.Config, AdapterInjector.DeviceOf(model));
        if (!attach) return set;
        try
        {
            set.AttachTo(model);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            set.Dispose();
            throw new AdapterFileException($"{path}: {e.Message}", e);
        }
        return set;
    }

    /// <summary>Reads a file and fits it to a CLIP of the given sizes, as an unattached set (e.g. to add to an <see cref="AdapterBank"/>).</summary>
    public static AdapterSet Load(string path, ClipConfig clip, Device? device = null)
    {
        using var contents = Read(path, clip);
        var config = contents.Config;
        var matrices = Fit(contents, clip);
        var registration = AdapterMethodRegistry.For(config);
        var adapters = registration.CreateAll(matrices, config, device);
        try
        {
            using var _ = no_grad();
            foreach (var (matrix, adapter) in matrices.Zip(adapters))
            {
                contents.TryGet(matrix.Path, out var tensors);
                foreach (var (name, parameter) in adapter.NamedParameters) parameter.copy_(tensors[name]);
                adapter.ParametersAssigned();
            }
            return new AdapterSet(config, clip, matrices.Zip(adapters).ToList());
        }
        catch
        {
            foreach (var adapter in adapters) adapter.Dispose();
            throw;
        }
    }

    /// <summary>Describes a file (method, sizes, selection, counts, provenance) without a base model.</summary>
    public static AdapterFileSummary Describe(string path)
    {
        using var contents = Read(path);
        return Summary(contents);
    }

    /// <summary>Describes a file as read for a CLIP of the given sizes (a CLIP-LoRA <c>.pt</c> too), after checking it fits that CLIP.</summary>
    public static AdapterFileSummary Describe(string path, ClipConfig clip)
    {
        using var contents = Read(path, clip);
        Fit(contents, clip);
        return Summary(contents);
    }

    private static AdapterFileSummary Summary(AdapterFileContents contents) =>
        new(contents.Path, contents.Config, contents.MatrixPaths.Count, contents.TensorCount,
            contents.ParameterCount, contents.BaseFingerprintText, contents.Metadata);

    /// <summary>The matrices the file's config selects on this CLIP, each checked to be in the file with the base's shapes, and no tensor left over.</summary>
    private static IReadOnlyList<AdaptedMatrix> Fit(AdapterFileContents contents, ClipConfig clip)
    {
        string path = contents.Path;
        var config = contents.Config;
        IReadOnlyList<AdaptedMatrix> matrices;
        try
        {
            matrices = config.SelectMatrices(clip);
        }
        catch (ArgumentException e)
        {
            throw new AdapterFileException($"{path}: {e.Message}", e);
        }

        var specs = AdapterMethodRegistry.For(config).TensorsFor(config);
        string first = "." + specs[0].Name;
        string selection = $"targets {AdapterTargetNames.Format(config.Targets)}, encoders {AdapterEncoderNames.Format(config.Encoders)}, layers {config.Layers}";
        var expected = new HashSet<string>(matrices.Select(m => m.Path), StringComparer.Ordinal);
        foreach (var matrix in matrices)
        {
            if (!contents.TryGet(matrix.Path, out var tensors))
                throw new AdapterFileException($"{path}: tensor '{matrix.Path}{first}' is missing; the metadata ({selection}) selects {matrix.Path} on this base");
            foreach (var spec in specs)
                CheckShape(path, $"{matrix.Path}.{spec.Name}", tensors[spec.Name], spec.Shape(config, matrix.OutFeatures, matrix.InFeatures));
        }
        if (AdapterMethodRegistry.For(config.Method).CheckFit?.Invoke(contents.Metadata, config, matrices) is { } misfit)
            throw new AdapterFileException($"{path}: {misfit}");
        foreach (var matrixPath in contents.MatrixPaths.Where(p => !expected.Contains(p)))
        {
            var (encoder, target) = (EncoderOf(matrixPath), TargetOf(matrixPath));
            bool selectedKind = encoder != AdapterEncoders.None && config.Encoders.HasFlag(encoder)
                && target != AdapterTargets.None && config.Targets.HasFlag(target);
            string why = selectedKind
                ? $"the base ({BaseFingerprint.Of(clip)}) has no such matrix selected by layers {config.Layers}"
                : $"the metadata selects only {selection}";
            throw new AdapterFileException($"{path}: tensor '{matrixPath}{first}' does not fit: {why}");
        }
        return matrices;
    }

    /// <summary>Groups tensors by module path into the method's named tensors and checks what needs no base: names, completeness, the shape the metadata fixes, dtype, finiteness.</summary>
    private static List<(string, IReadOnlyDictionary<string, Tensor>)> GroupTensors(IReadOnlyDictionary<string, Tensor> tensors, AdapterConfig config, string path, HashSet<Tensor> kept)
    {
        var registration = AdapterMethodRegistry.For(config);
        var specs = registration.TensorsFor(config);
        var byPath = new Dictionary<string, Dictionary<string, Tensor>>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var (name, tensor) in tensors)
        {
            var spec = specs.FirstOrDefault(s => name.EndsWith("." + s.Name, StringComparison.Ordinal))
                ?? throw new AdapterFileException($"{path}: unexpected tensor '{name}' (adapter tensors are named {string.Join(" and ", specs.Select(s => $"<module path>.{s.Name}"))})");
            string matrixPath = name[..^(spec.Name.Length + 1)];
            if (!byPath.TryGetValue(matrixPath, out var found))
            {
                byPath[matrixPath] = found = new Dictionary<string, Tensor>(StringComparer.Ordinal);
                order.Add(matrixPath);
            }
            found[spec.Name] = tensor;
        }
        if (order.Count == 0) throw new AdapterFileException($"{path}: holds no adapter tensors");

        string everyName = string.Join(" and ", specs.Select(s => s.Name));
        var result = new List<(string, IReadOnlyDictionary<string, Tensor>)>(order.Count);
        foreach (var matrixPath in order)
        {
            var found = byPath[matrixPath];
            foreach (var spec in specs)
                if (!found.ContainsKey(spec.Name))
                    throw new AdapterFileException($"{path}: tensor '{matrixPath}.{spec.Name}' is missing (every adapted matrix needs {everyName})");
            var checkedTensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            foreach (var spec in specs)
            {
                var fp32 = CheckTensor(path, $"{matrixPath}.{spec.Name}", found[spec.Name], spec.ShapeWithoutBase(config), registration.ShapeReason(config));
                kept.Add(fp32);
                checkedTensors[spec.Name] = fp32;
            }
            result.Add((matrixPath, checkedTensors));
        }
        return result;
    }

    /// <summary>Floating point, finite, with the dimensions <paramref name="needed"/> fixes (null: set by the base); returns it as fp32.</summary>
    private static Tensor CheckTensor(string path, string name, Tensor tensor, long?[] needed, string reason)
    {
        if (!tensor.is_floating_point())
            throw new AdapterFileException($"{path}: tensor '{name}' has dtype {tensor.dtype}; adapter tensors are floating point");
        if (tensor.ndim != needed.Length || needed.Where((n, i) => n is { } dim && tensor.shape[i] != dim).Any())
        {
            string shape = "[" + string.Join(", ", needed.Select(n => n is { } dim ? dim.ToString(System.Globalization.CultureInfo.InvariantCulture) : "·")) + "]";
            throw new AdapterFileException($"{path}: tensor '{name}' has shape {Shape(tensor.shape)} but {reason} needs {shape}");
        }
        bool finite;
        using (var check = tensor.isfinite().all()) finite = check.item<bool>();
        if (!finite)
            throw new AdapterFileException($"{path}: tensor '{name}' holds non-finite values");
        return tensor.dtype == ScalarType.Float32 ? tensor : tensor.to(ScalarType.Float32);
    }

    private static void CheckShape(string path, string name, Tensor tensor, long[] needed)
    {
        if (!tensor.shape.SequenceEqual(needed))
            throw new AdapterFileException($"{path}: tensor '{name}' has shape {Shape(tensor.shape)} but the base needs {Shape(needed)}");
    }

    private static AdapterEncoders EncoderOf(string matrixPath) =>
        matrixPath.StartsWith(AdapterEncoderNames.BlockPrefix(AdapterEncoders.Vision), StringComparison.Ordinal) ? AdapterEncoders.Vision
        : matrixPath.StartsWith(AdapterEncoderNames.BlockPrefix(AdapterEncoders.Text), StringComparison.Ordinal) ? AdapterEncoders.Text
        : AdapterEncoders.None;

    private static AdapterTargets TargetOf(string matrixPath) =>
        AdapterTargetNames.Singles.FirstOrDefault(t => matrixPath.EndsWith("." + AdapterTargetNames.ModuleSuffix(t), StringComparison.Ordinal));

    private static string Shape(long[] shape) => "[" + string.Join(", ", shape) + "]";
}
