using System.Text.Json;
using BlockLora.Adapters;
using BlockLora.Checkpoints;
using BlockLora.Clip;
using static TorchSharp.torch;

namespace BlockLora.Interop;

/// <summary>
/// Reads a PEFT LoRA adapter for a Hugging Face <c>CLIPModel</c> (<see cref="PeftNames"/>) and writes this project's
/// adapter file for a CLIP of the given sizes. r, alpha, the scaling rule (rslora) and dropout come from
/// <c>adapter_config.json</c>; targets, encoders and layers from the tensor keys, checked against the config's
/// <c>target_modules</c>. A DoRA adapter (<c>use_dora: true</c>, a <c>lora_magnitude_vector</c> per adapted module) is stored
/// as this project's DoRA (<see cref="AdapterOptions.Dora"/>), which computes what PEFT's does, so it round-trips exactly; one
/// without every magnitude is refused. What this project cannot represent is refused by name (<c>lora_bias</c>, per-layer
/// <c>rank_pattern</c>/<c>alpha_pattern</c>, <c>modules_to_save</c>, <c>fan_in_fan_out</c>, trained biases, a non-CLIP base,
/// a selection that is not targets × encoders × layers). With <see cref="Options.DetectBlocks"/> a LoRA whose every
/// <c>lora_A</c> is exactly an n-fold tiling is stored as Block-LoRA n. The file is read back before it is moved into place.
/// </summary>
public static class PeftAdapterImport
{
    public sealed record Options
    {
        /// <summary>Store an exactly n-fold tiled LoRA as Block-LoRA n (largest such n); off: always LoRA.</summary>
        public bool DetectBlocks { get; init; }
        /// <summary>Replace an existing output file.</summary>
        public bool Force { get; init; }
    }

    public sealed record Result(AdapterConfig Config, int Matrices, long Parameters);

    public static Result Write(string peftDir, ClipConfig clip, string outPath, Options? options = null)
    {
        options ??= new Options();
        if (File.Exists(outPath) && !options.Force) throw new IOException($"{outPath}: exists (pass --force to replace it)");
        var (root, configPath) = PeftFolder.ReadConfig(peftDir);
        if (PeftFolder.String(root, "peft_type") == "VERA") return PeftVeraImport.Write(root, configPath, peftDir, clip, outPath);
        var peft = ReadConfig(root, configPath);
        var (raw, weights) = PeftFolder.LoadWeights(peftDir);
        try
        {
            var pairs = Pairs(raw.Tensors, weights, peft, clip);
            var config = PeftFolder.WithSelection(AdapterConfigOf(peft), pairs.Select(p => p.Path).ToArray(), clip, weights);
            int blocks = options.DetectBlocks ? TiledBlocks(pairs.Select(p => p.A).ToArray()) : 1;
            if (blocks > 1) config = config with { Method = AdapterMethod.BlockLora, Blocks = blocks };
            using var scope = NewDisposeScope();
            // In the order the method's registration stores them: A, B, then DoRA's magnitude.
            var tensors = pairs.SelectMany(p => new[]
            {
                new KeyValuePair<string, Tensor>($"{p.Path}.{LowRankAdapter.DownName}", blocks > 1 ? p.A.narrow(1, 0, p.A.shape[1] / blocks).contiguous() : p.A),
                new KeyValuePair<string, Tensor>($"{p.Path}.{LowRankAdapter.UpName}", p.B),
            }.Concat(p.Magnitude is { } m ? [new KeyValuePair<string, Tensor>($"{p.Path}.{DoraAdapter.MagnitudeName}", m)] : [])).ToList();
            long count = tensors.Sum(t => t.Value.numel());
            var provenance = new Dictionary<string, string> { ["source"] = "peft", ["peft_base_model"] = peft.BaseModel };
            PeftFolder.SaveAdapter(outPath, tensors, AdapterMetadata.From(config, clip, count, provenance), clip);
            return new Result(config, pairs.Count, count);
        }
        finally
        {
            foreach (var t in raw.Tensors.Values) t.Dispose();
        }
    }

    /// <summary>What <c>adapter_config.json</c> says, with everything this project cannot represent refused.</summary>
    private sealed record PeftConfig(int Rank, double Alpha, double Dropout, bool RsLora, JsonElement Targets, string BaseModel, string Path, bool UseDora = false);

    private static PeftConfig ReadConfig(JsonElement root, string path)
    {
        string? Str(string key) => PeftFolder.String(root, key);
        bool Flag(string key) => PeftFolder.Flag(root, key);
        if (Str("peft_type") is var type && type != "LORA") throw new InvalidDataException($"{path}: peft_type is '{type ?? "missing"}'; only LORA and VERA adapters can be imported");
        if (Flag("lora_bias")) throw new InvalidDataException($"{path}: lora_bias is true; a bias on lora_B is not represented here");
        PeftFolder.RefuseCommonExtras(root, path);
        int rank = PeftFolder.Rank(root, path);
        double alpha = root.TryGetProperty("lora_alpha", out var a) && a.ValueKind == JsonValueKind.Number ? a.GetDouble() : throw new InvalidDataException($"{path}: lora_alpha is missing or not a number");
        foreach (var (key, expected) in new[] { ("rank_pattern", (double)rank), ("alpha_pattern", alpha) })
            if (root.TryGetProperty(key, out var pattern) && pattern.ValueKind == JsonValueKind.Object)
                foreach (var entry in pattern.EnumerateObject())
                    if (entry.Value.ValueKind != JsonValueKind.Number || entry.Value.GetDouble() != expected)
                        throw new InvalidDataException($"{path}: {key} gives '{entry.Name}' its own value ({entry.Value}); per-layer ranks and alphas are not represented here");
        double dropout = root.TryGetProperty("lora_dropout", out var d) && d.ValueKind == JsonValueKind.Number ? d.GetDouble() : 0;
        return new PeftConfig(rank, alpha, dropout, Flag("use_rslora"), PeftFolder.TargetModules(root), Str("base_model_name_or_path") ?? "", path, Flag("use_dora"));
    }

    /// <summary>One adapted module: A [r, k], B [d, r] and, for DoRA, m [d], all fp32.</summary>
    private sealed record Pair(string Path, string Module, Tensor A, Tensor B, Tensor? Magnitude);

    private static List<Pair> Pairs(IReadOnlyDictionary<string, Tensor> tensors, string weights, PeftConfig peft, ClipConfig clip)
    {
        var a = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var b = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var magnitudes = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (key, tensor) in tensors.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            if (PeftNames.ParseMagnitude(key) is { } magnitudeModule)
            {
                if (!peft.UseDora)
                    throw new InvalidDataException($"{weights}: '{key}' is a DoRA magnitude but {peft.Path} does not set use_dora: true; which of the two is meant is not known");
                magnitudes[magnitudeModule] = tensor;
                continue;
            }
            if (key.Contains("lora_magnitude_vector", StringComparison.Ordinal))
                throw new InvalidDataException($"{weights}: '{key}' is not a DoRA magnitude of a module (expected base_model.model.<module>.lora_magnitude_vector)");
            if (PeftNames.Parse(key) is not { } parsed)
                throw new InvalidDataException($"{weights}: '{key}' is not a LoRA matrix of a CLIPModel layer (only lora_A/lora_B weights can be imported)");
            PeftFolder.ModulePath(parsed.Module, key, peft.Targets, weights, peft.Path);
            (parsed.Matrix == 'A' ? a : b)[parsed.Module] = tensor;
        }
        if (a.Count == 0) throw new InvalidDataException($"{weights}: no lora_A/lora_B tensors");
        // Every matrix an adapter could sit on, with the base's shapes: the same selection the adapter file is checked against.
        var shapes = PeftFolder.Shapes(clip);
        var pairs = new List<Pair>();
        foreach (var (module, down) in a)
        {
            if (!b.TryGetValue(module, out var up)) throw new InvalidDataException($"{weights}: '{module}' has lora_A but no lora_B");
            string path = HfClipNames.FromHfModule(module)!;
            var (d, k) = PeftFolder.Shape(shapes, path, module, weights, clip);
            if (down.dim() != 2 || up.dim() != 2) throw new InvalidDataException($"{weights}: '{module}' lora_A/lora_B are not matrices");
            if (down.shape[0] != peft.Rank || up.shape[1] != peft.Rank)
                throw new InvalidDataException($"{weights}: '{module}' has rank {down.shape[0]} (lora_A [{down.shape[0]}, {down.shape[1]}]) but {PeftNames.ConfigFileName} says r={peft.Rank}");
            if (down.shape[1] != k || up.shape[0] != d)
                throw new InvalidDataException($"{weights}: '{module}' adapts a [{up.shape[0]}, {down.shape[1]}] matrix, the model's is [{d}, {k}]: an adapter for another CLIP size");
            Tensor? magnitude = null;
            if (peft.UseDora)
            {
                if (!magnitudes.TryGetValue(module, out var m))
                    throw new InvalidDataException($"{weights}: '{module}' has no lora_magnitude_vector, but {PeftNames.ConfigFileName} sets use_dora: true and a DoRA adapter needs the magnitude of every adapted module");
                if (m.dim() != 1 || m.shape[0] != d)
                    throw new InvalidDataException($"{weights}: '{module}' lora_magnitude_vector has shape [{string.Join(", ", m.shape)}], the module's output width needs [{d}]");
                magnitude = m.to(ScalarType.Float32);
            }
            pairs.Add(new Pair(path, module, down.to(ScalarType.Float32), up.to(ScalarType.Float32), magnitude));
        }
        foreach (var module in b.Keys.Where(m => !a.ContainsKey(m))) throw new InvalidDataException($"{weights}: '{module}' has lora_B but no lora_A");
        foreach (var module in magnitudes.Keys.Where(m => !a.ContainsKey(m))) throw new InvalidDataException($"{weights}: '{module}' has a lora_magnitude_vector but no lora_A/lora_B");
        return pairs;
    }

    private static AdapterConfig AdapterConfigOf(PeftConfig peft) => new()
    {
        Method = AdapterMethod.Lora,
        Dora = peft.UseDora,
        Rank = peft.Rank,
        Blocks = 1,
        Alpha = peft.Alpha,
        Scaling = peft.RsLora ? ScalingRule.AlphaOverSqrtRank : ScalingRule.AlphaOverRank,
        Dropout = peft.Dropout is >= 0 and < 1 ? peft.Dropout : throw new InvalidDataException($"{peft.Path}: lora_dropout {peft.Dropout} is not in [0, 1)"),
    };

    /// <summary>The largest n > 1 such that every down-projection is its first [r, k/n] block repeated n times exactly; 1 when none.</summary>
    private static int TiledBlocks(IReadOnlyList<Tensor> downs)
    {
        long common = downs.Select(a => a.shape[1]).Aggregate(Gcd);
        for (long n = common; n > 1; n--)
        {
            if (common % n != 0) continue;
            if (downs.All(a => a.narrow(1, 0, a.shape[1] / n).repeat(1, n).allclose(a, rtol: 0, atol: 0))) return (int)n;
        }
        return 1;
    }

    private static long Gcd(long x, long y) => y == 0 ? x : Gcd(y, x % y);
}
