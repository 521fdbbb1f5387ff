using BlockLora.Clip;
using BlockLora.IO;
using static TorchSharp.torch;

namespace BlockLora.Adapters;

/// <summary>
/// The adapter file of docs/method.md: safetensors with <c>&lt;module path&gt;.lora_A</c> [r, k/n] and
/// <c>.lora_B</c> [d, r] per adapted matrix and the config in <c>__metadata__</c>. Loading checks the
/// file on its own, then against the base, and every failure is an <see cref="AdapterFileException"/>
/// whose one-line message starts with the file path and names the tensor or key.
/// </summary>
public static class AdapterFile
{
    private const string SuffixA = ".lora_A";
    private const string SuffixB = ".lora_B";

    /// <summary>Writes the set's tensors (fp32) and config atomically; <paramref name="provenance"/> adds keys such as dataset, shots, iterations, commit.</summary>
    public static void Save(string path, AdapterSet set, IReadOnlyDictionary<string, string>? provenance = null)
    {
        var named = set.NamedParameters().ToList();
        long parameterCount = named.Sum(p => p.Parameter.numel());
        var metadata = AdapterMetadata.From(set.Config, set.BaseConfig, parameterCount, provenance);
        using var scope = NewDisposeScope();
        var tensors = named.Select(p => new KeyValuePair<string, Tensor>(p.Name, p.Parameter.detach().to(ScalarType.Float32)));
        SafeTensorsFile.Save(path, tensors, metadata);
    }

    /// <summary>
    /// Reads and checks a file without a base model. A CLIP-LoRA <c>.pt</c> is refused with what it is
    /// and how to convert it: which blocks it adapts depends on the base (<see cref="Read(string, ClipConfig)"/> reads it).
    /// </summary>
    public static AdapterFileContents Read(string path)
    {
        if (ClipLoraFile.IsTorchZip(path)) throw new AdapterFileException(ClipLoraFile.WithoutBaseMessage(path));
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
    /// does, a CLIP-LoRA <c>.pt</c> imported in memory for that CLIP's layer counts and widths (<see cref="ClipLoraImport"/>).
    /// </summary>
    public static AdapterFileContents Read(string path, ClipConfig clip)
    {
        if (!ClipLoraFile.IsTorchZip(path)) return Read(path);
        if (ClipLoraFile.TorchScriptMessage(path) is { } torchScript) throw new AdapterFileException(torchScript);
        ImportedAdapter imported;
        try
        {
            imported = ClipLoraImport.Read(path, clip);
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw new AdapterFileException(e.Message.StartsWith(path, StringComparison.Ordinal) ? e.Message : $"{path}: {e.Message}", e);
        }
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
            var matrices = PairTensors(tensors, config, path, kept);
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
        var created = new List<(AdaptedMatrix, LowRankAdapter)>(matrices.Count);
        try
        {
            using var _ = no_grad();
            foreach (var matrix in matrices)
            {
                contents.TryGet(matrix.Path, out var a, out var b);
                var adapter = LowRankAdapter.Create(matrix, config, device);
                created.Add((matrix, adapter));
                adapter.LoraA.copy_(a);
                adapter.LoraB.copy_(b);
            }
            return new AdapterSet(config, clip, created);
        }
        catch
        {
            foreach (var (_, adapter) in created) adapter.Dispose();
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

        string selection = $"targets {AdapterTargetNames.Format(config.Targets)}, encoders {AdapterEncoderNames.Format(config.Encoders)}, layers {config.Layers}";
        var expected = new HashSet<string>(matrices.Select(m => m.Path), StringComparer.Ordinal);
        foreach (var matrix in matrices)
        {
            if (!contents.TryGet(matrix.Path, out var a, out var b))
                throw new AdapterFileException($"{path}: tensor '{matrix.Path}{SuffixA}' is missing; the metadata ({selection}) selects {matrix.Path} on this base");
            CheckShape(path, matrix.Path + SuffixA, a, [config.Rank, matrix.InFeatures / config.Blocks]);
            CheckShape(path, matrix.Path + SuffixB, b, [matrix.OutFeatures, config.Rank]);
        }
        foreach (var matrixPath in contents.MatrixPaths.Where(p => !expected.Contains(p)))
        {
            var (encoder, target) = (EncoderOf(matrixPath), TargetOf(matrixPath));
            bool selectedKind = encoder != AdapterEncoders.None && config.Encoders.HasFlag(encoder)
                && target != AdapterTargets.None && config.Targets.HasFlag(target);
            string why = selectedKind
                ? $"the base ({BaseFingerprint.Of(clip)}) has no such matrix selected by layers {config.Layers}"
                : $"the metadata selects only {selection}";
            throw new AdapterFileException($"{path}: tensor '{matrixPath}{SuffixA}' does not fit: {why}");
        }
        return matrices;
    }

    /// <summary>Groups tensors into (A, B) per module path and checks what needs no base: names, pairs, rank, dtype, finiteness.</summary>
    private static List<(string, Tensor, Tensor)> PairTensors(IReadOnlyDictionary<string, Tensor> tensors, AdapterConfig config, string path, HashSet<Tensor> kept)
    {
        var aByPath = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var bByPath = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var (name, tensor) in tensors)
        {
            bool isA = name.EndsWith(SuffixA, StringComparison.Ordinal);
            bool isB = name.EndsWith(SuffixB, StringComparison.Ordinal);
            if (!isA && !isB)
                throw new AdapterFileException($"{path}: unexpected tensor '{name}' (adapter tensors are named <module path>{SuffixA} and <module path>{SuffixB})");
            string matrixPath = name[..^SuffixA.Length];
            if (!aByPath.ContainsKey(matrixPath) && !bByPath.ContainsKey(matrixPath)) order.Add(matrixPath);
            (isA ? aByPath : bByPath)[matrixPath] = tensor;
        }
        if (order.Count == 0) throw new AdapterFileException($"{path}: holds no adapter tensors");

        var result = new List<(string, Tensor, Tensor)>(order.Count);
        foreach (var matrixPath in order)
        {
            if (!aByPath.TryGetValue(matrixPath, out var a))
                throw new AdapterFileException($"{path}: tensor '{matrixPath}{SuffixA}' is missing (every adapted matrix needs {SuffixA[1..]} and {SuffixB[1..]})");
            if (!bByPath.TryGetValue(matrixPath, out var b))
                throw new AdapterFileException($"{path}: tensor '{matrixPath}{SuffixB}' is missing (every adapted matrix needs {SuffixA[1..]} and {SuffixB[1..]})");
            var fa = CheckTensor(path, matrixPath + SuffixA, a, rankDim: 0, config.Rank);
            var fb = CheckTensor(path, matrixPath + SuffixB, b, rankDim: 1, config.Rank);
            kept.Add(fa);
            kept.Add(fb);
            result.Add((matrixPath, fa, fb));
        }
        return result;
    }

    /// <summary>2-D, floating point, finite, with r along <paramref name="rankDim"/>; returns it as fp32.</summary>
    private static Tensor CheckTensor(string path, string name, Tensor tensor, int rankDim, int rank)
    {
        if (!tensor.is_floating_point())
            throw new AdapterFileException($"{path}: tensor '{name}' has dtype {tensor.dtype}; adapter tensors are floating point");
        if (tensor.ndim != 2 || tensor.shape[rankDim] != rank)
        {
            string needed = rankDim == 0 ? $"[{rank}, ·]" : $"[·, {rank}]";
            throw new AdapterFileException($"{path}: tensor '{name}' has shape {Shape(tensor.shape)} but rank {rank} (metadata) needs {needed}");
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
