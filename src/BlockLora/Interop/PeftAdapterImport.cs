using System.Text.Json;
using System.Text.RegularExpressions;
using BlockLora.Adapters;
using BlockLora.Checkpoints;
using BlockLora.Clip;
using BlockLora.IO;
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
        var peft = ReadConfig(peftDir);
        string weights = Path.Combine(peftDir, PeftNames.WeightsFileName);
        if (!File.Exists(weights))
            throw new InvalidDataException(File.Exists(Path.Combine(peftDir, "adapter_model.bin"))
                ? $"{peftDir}: only adapter_model.bin (a pickle, not read: it can run code); save the adapter with safe_serialization=True"
                : $"{peftDir}: no {PeftNames.WeightsFileName}");
        SafeTensorsFile.Contents raw;
        try { raw = SafeTensorsFile.Load(weights); }
        catch (FormatException e) { throw new InvalidDataException(e.Message.StartsWith(weights, StringComparison.Ordinal) ? e.Message : $"{weights}: {e.Message}"); }
        try
        {
            var pairs = Pairs(raw.Tensors, weights, peft, clip);
            var config = AdapterConfigOf(pairs, peft, clip, weights);
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
            var metadata = AdapterMetadata.From(config, clip, count, provenance);
            string full = Path.GetFullPath(outPath);
            string staging = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.import");
            try
            {
                SafeTensorsFile.Save(staging, tensors, metadata);
                using (AdapterFile.Load(staging, clip)) { } // what is written must read back for this base
                File.Move(staging, full, overwrite: true);
            }
            finally
            {
                if (File.Exists(staging)) File.Delete(staging);
            }
            return new Result(config, pairs.Count, count);
        }
        finally
        {
            foreach (var t in raw.Tensors.Values) t.Dispose();
        }
    }

    /// <summary>What <c>adapter_config.json</c> says, with everything this project cannot represent refused.</summary>
    private sealed record PeftConfig(int Rank, double Alpha, double Dropout, bool RsLora, JsonElement Targets, string BaseModel, string Path, bool UseDora = false);

    private static PeftConfig ReadConfig(string dir)
    {
        if (File.Exists(dir)) throw new InvalidDataException($"{dir}: is a file; expected a PEFT adapter folder ({PeftNames.ConfigFileName}, {PeftNames.WeightsFileName})");
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"{dir}: folder not found");
        string path = System.IO.Path.Combine(dir, PeftNames.ConfigFileName);
        if (!File.Exists(path)) throw new InvalidDataException($"{dir}: no {PeftNames.ConfigFileName}; not a PEFT adapter folder");
        JsonElement root;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            root = doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON ({e.Message.ReplaceLineEndings(" ")})");
        }
        if (root.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{path}: expected a JSON object");
        string? Str(string key) => root.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        bool Flag(string key) => root.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.True;
        bool NonEmpty(string key) => root.TryGetProperty(key, out var v) && v.ValueKind switch
        {
            JsonValueKind.Null or JsonValueKind.Undefined or JsonValueKind.False => false,
            JsonValueKind.Array => v.GetArrayLength() > 0,
            JsonValueKind.Object => v.EnumerateObject().Any(),
            JsonValueKind.String => v.GetString()!.Length > 0,
            _ => true,
        };
        if (Str("peft_type") == "VERA")
            throw new InvalidDataException($"{path}: peft_type is 'VERA'; PEFT's VeRA matrices come from torch's generator (projection_prng_key), which this library does not reproduce, so VeRA adapters are not imported");
        if (Str("peft_type") is var type && type != "LORA") throw new InvalidDataException($"{path}: peft_type is '{type ?? "missing"}'; only LORA adapters can be imported");
        if (Flag("lora_bias")) throw new InvalidDataException($"{path}: lora_bias is true; a bias on lora_B is not represented here");
        if (Flag("fan_in_fan_out")) throw new InvalidDataException($"{path}: fan_in_fan_out is true (Conv1D-style weights); CLIP's layers are Linear");
        if (NonEmpty("modules_to_save")) throw new InvalidDataException($"{path}: modules_to_save is set; fully trained extra modules are not an adapter this project stores");
        if (Str("bias") is { } bias && bias != "none") throw new InvalidDataException($"{path}: bias is '{bias}'; trained biases are not represented here (use bias 'none')");
        int rank = root.TryGetProperty("r", out var r) && r.TryGetInt32(out int rv) && rv > 0 ? rv : throw new InvalidDataException($"{path}: r is missing or not a positive integer");
        double alpha = root.TryGetProperty("lora_alpha", out var a) && a.ValueKind == JsonValueKind.Number ? a.GetDouble() : throw new InvalidDataException($"{path}: lora_alpha is missing or not a number");
        foreach (var (key, expected) in new[] { ("rank_pattern", (double)rank), ("alpha_pattern", alpha) })
            if (root.TryGetProperty(key, out var pattern) && pattern.ValueKind == JsonValueKind.Object)
                foreach (var entry in pattern.EnumerateObject())
                    if (entry.Value.ValueKind != JsonValueKind.Number || entry.Value.GetDouble() != expected)
                        throw new InvalidDataException($"{path}: {key} gives '{entry.Name}' its own value ({entry.Value}); per-layer ranks and alphas are not represented here");
        double dropout = root.TryGetProperty("lora_dropout", out var d) && d.ValueKind == JsonValueKind.Number ? d.GetDouble() : 0;
        var targets = root.TryGetProperty("target_modules", out var t) ? t : default;
        return new PeftConfig(rank, alpha, dropout, Flag("use_rslora"), targets, Str("base_model_name_or_path") ?? "", path, Flag("use_dora"));
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
            if (HfClipNames.FromHfModule(parsed.Module) is null)
                throw new InvalidDataException($"{weights}: '{key}' is not a module of a Hugging Face CLIPModel's encoder layers (an adapter for another model?)");
            if (!Covered(peft.Targets, parsed.Module))
                throw new InvalidDataException($"{peft.Path}: target_modules does not cover '{parsed.Module}', which {weights} adapts");
            (parsed.Matrix == 'A' ? a : b)[parsed.Module] = tensor;
        }
        if (a.Count == 0) throw new InvalidDataException($"{weights}: no lora_A/lora_B tensors");
        // Every matrix an adapter could sit on, with the base's shapes: the same selection the adapter file is checked against.
        var shapes = new AdapterConfig { Targets = AdapterTargets.All, Encoders = AdapterEncoders.Both, Layers = LayerSelection.All }
            .SelectMatrices(clip).ToDictionary(m => m.Path, m => (Out: m.OutFeatures, In: m.InFeatures), StringComparer.Ordinal);
        var pairs = new List<Pair>();
        foreach (var (module, down) in a)
        {
            if (!b.TryGetValue(module, out var up)) throw new InvalidDataException($"{weights}: '{module}' has lora_A but no lora_B");
            string path = HfClipNames.FromHfModule(module)!;
            if (!shapes.TryGetValue(path, out var shape))
                throw new InvalidDataException($"{weights}: '{module}' is not in the model ({clip.TextLayers} text and {clip.VisionLayers} vision layers): an adapter for another CLIP size");
            var (d, k) = shape;
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

    /// <summary>PEFT's rule (tuners_utils <c>check_target_module_exists</c>): a string is a full-match regex, a list matches a name or a dotted suffix.</summary>
    private static bool Covered(JsonElement targets, string module) => targets.ValueKind switch
    {
        JsonValueKind.String => Regex.IsMatch(module, $"^(?:{targets.GetString()})$"),
        JsonValueKind.Array => targets.EnumerateArray().Select(t => t.GetString() ?? "").Any(t => module == t || module.EndsWith("." + t, StringComparison.Ordinal)),
        _ => false,
    };

    private static AdapterConfig AdapterConfigOf(List<Pair> pairs, PeftConfig peft, ClipConfig clip, string weights)
    {
        var names = pairs.Select(p => p.Path + ".lora_A").ToArray();
        var config = new AdapterConfig
        {
            Method = AdapterMethod.Lora,
            Dora = peft.UseDora,
            Rank = peft.Rank,
            Blocks = 1,
            Alpha = peft.Alpha,
            Scaling = peft.RsLora ? ScalingRule.AlphaOverSqrtRank : ScalingRule.AlphaOverRank,
            Dropout = peft.Dropout is >= 0 and < 1 ? peft.Dropout : throw new InvalidDataException($"{peft.Path}: lora_dropout {peft.Dropout} is not in [0, 1)"),
            Targets = AdapterTensorNames.Targets(names),
            Encoders = AdapterTensorNames.Encoders(names),
            Layers = AdapterTensorNames.Layers(names),
        };
        var expected = config.SelectMatrices(clip).Select(m => m.Path).ToHashSet(StringComparer.Ordinal);
        var actual = pairs.Select(p => p.Path).ToHashSet(StringComparer.Ordinal);
        if (!expected.SetEquals(actual))
        {
            string missing = expected.Except(actual).Order(StringComparer.Ordinal).FirstOrDefault() ?? actual.Except(expected).First();
            throw new InvalidDataException($"{weights}: the adapted modules are not every target × layer of each encoder (e.g. {HfClipNames.ToHf(missing)} is not adapted while its layer and target are); such a selection is not represented here");
        }
        return config;
    }

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
