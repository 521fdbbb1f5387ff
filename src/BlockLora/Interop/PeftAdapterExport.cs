using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using BlockLora.Adapters;
using BlockLora.Checkpoints;
using BlockLora.IO;
using static TorchSharp.torch;

namespace BlockLora.Interop;

/// <summary>
/// Writes an adapter of this project as a PEFT LoRA adapter for a Hugging Face <c>CLIPModel</c>, which stock
/// <c>peft</c> loads with no custom code. A Block-LoRA adapter goes out as its exact LoRA equivalent,
/// ΔW = s·B·[A_s, …, A_s]: <c>lora_A</c> is A_s tiled n times along the input (more numbers on disk, identical
/// outputs), and n and A_s's shape per input width are kept in the safetensors metadata so an import can restore it. PEFT's scaling is
/// the adapter's: alpha/√r is <c>use_rslora: true</c>, alpha/r is false. <c>target_modules</c> lists the adapted
/// modules by full name, so per-encoder layer selections are kept exactly. A DoRA adapter (<see cref="AdapterOptions.Dora"/>)
/// adds <c>use_dora: true</c> and each matrix's magnitude as <c>&lt;module&gt;.lora_magnitude_vector</c> [out]. A VeRA
/// adapter goes out as PEFT's VERA type with its projections saved (<see cref="PeftVeraExport"/>).
/// </summary>
public static class PeftAdapterExport
{
    public sealed record Result(string Folder, string BaseModelName, IReadOnlyList<string> TargetModules, long Parameters);

    /// <summary>
    /// Metadata key of A_s's shape per input width k, e.g. <c>{"64": [2, 16], "256": [2, 64]}</c>: matrices of different
    /// widths (c_fc reads d, c_proj reads 4d) have different block shapes, so one shape cannot restore them all.
    /// </summary>
    public const string BlockShapesKey = "blora.block_shapes";

    /// <param name="baseModelName">The <c>base_model_name_or_path</c>; null infers OpenAI's release from the sizes the adapter records, or leaves it empty.</param>
    public static Result Write(string adapterPath, string outDir, string? baseModelName = null, bool force = false)
    {
        using var adapter = AdapterFile.Read(adapterPath);
        var config = adapter.Config;
        // PEFT's LORA type holds A and B only; a method with other tensors needs its own PEFT type.
        // PiSSA's A and B only make sense over the residual W0 − s·B0·A0, which a PEFT LoRA adapter on the original base
        // cannot carry: exported as plain LoRA it would add s·B·A to W0 and count the top-r part twice.
        if (config.Init == AdapterInit.Pissa)
            throw new ArgumentException($"{adapterPath}: a PiSSA adapter is not exported: its A and B apply to the residual W0 − s·B0·A0, and a PEFT LoRA adapter on the original base would count W0's top-r part twice; merge it (blora adapter merge) and export the merged model instead");
        string model = baseModelName ?? (adapter.BaseFingerprintText is { } f ? HfClipConfigFile.OpenAiModelId(f) : null) ?? "";
        if (config.Method == AdapterMethod.Vera) return PeftVeraExport.Write(adapter, outDir, model, force);
        if (config.Method is not (AdapterMethod.Lora or AdapterMethod.BlockLora))
            throw new ArgumentException($"{adapterPath}: a {AdapterMethods.Format(config.Method)} adapter has no PEFT LoRA equivalent");
        var modules = new List<string>();
        long parameters = 0;
        AtomicFolder.Write(outDir, staging =>
        {
            using var scope = NewDisposeScope();
            var tensors = new List<KeyValuePair<string, Tensor>>();
            var blockShapes = new SortedDictionary<long, long[]>();
            foreach (var path in adapter.MatrixPaths)
            {
                adapter.TryGet(path, out var pair);
                var (a, b) = (pair[LowRankAdapter.DownName], pair[LowRankAdapter.UpName]);
                blockShapes[a.shape[1] * config.Blocks] = a.shape;
                string module = HfClipNames.ToHf(path);
                modules.Add(module);
                var dense = config.Blocks > 1 ? a.repeat(1, config.Blocks) : a; // the exact LoRA equivalent of shared blocks
                tensors.Add(new(PeftNames.LoraA(module), dense.contiguous()));
                tensors.Add(new(PeftNames.LoraB(module), b.contiguous()));
                parameters += dense.numel() + b.numel();
                if (config.Dora)
                {
                    var magnitude = pair[DoraAdapter.MagnitudeName];
                    tensors.Add(new(PeftNames.LoraMagnitude(module), magnitude.contiguous()));
                    parameters += magnitude.numel();
                }
            }
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["format"] = "pt",
                ["blora.method"] = AdapterMethods.Format(config.Method),
                ["blora.blocks"] = config.Blocks.ToString(CultureInfo.InvariantCulture),
                ["blora.source"] = Path.GetFileName(adapterPath),
            };
            if (config.Dora) metadata["blora.dora"] = "true";
            if (config.Blocks > 1) metadata[BlockShapesKey] = BlockShapes(blockShapes);
            SafeTensorsFile.Save(Path.Combine(staging, PeftNames.WeightsFileName), tensors, metadata);
            WriteConfig(staging, Config(config, modules, model));
        }, replaceNonEmpty: force);
        return new Result(outDir, model, modules, parameters);
    }

    private static string BlockShapes(SortedDictionary<long, long[]> byWidth)
    {
        var map = new JsonObject();
        foreach (var (width, shape) in byWidth) map[width.ToString(CultureInfo.InvariantCulture)] = new JsonArray(shape[0], shape[1]);
        return map.ToJsonString();
    }

    /// <summary>
    /// The fields of PEFT's <c>LoraConfig</c> (peft <c>tuners/lora/config.py</c>) that say what this adapter is. Newer
    /// fields (use_dora, lora_bias, exclude_modules) are left out: their defaults are what this adapter is, and older
    /// peft releases refuse keys they do not know.
    /// </summary>
    public static JsonObject Config(AdapterConfig config, IEnumerable<string> modules, string baseModelName)
    {
        var json = CommonConfig("LORA", config, modules, baseModelName);
        json["lora_alpha"] = config.Alpha == Math.Floor(config.Alpha) && Math.Abs(config.Alpha) < int.MaxValue ? JsonValue.Create((int)config.Alpha) : JsonValue.Create(config.Alpha);
        json["lora_dropout"] = config.Dropout;
        json["use_rslora"] = config.Scaling == ScalingRule.AlphaOverSqrtRank;
        json["init_lora_weights"] = true;
        json["rank_pattern"] = new JsonObject();
        json["alpha_pattern"] = new JsonObject();
        // Only for DoRA (Block-DoRA exports as its exact DoRA equivalent), so a LoRA export's config is what it was.
        if (config.Dora) json["use_dora"] = true;
        return json;
    }

    /// <summary>The fields every PEFT config (peft <c>config.py</c> <c>PeftConfig</c>) and both of its LoRA-like tuners share, for exactly the adapted modules.</summary>
    internal static JsonObject CommonConfig(string peftType, AdapterConfig config, IEnumerable<string> modules, string baseModelName)
    {
        var targets = new JsonArray();
        foreach (var m in modules.Order(StringComparer.Ordinal)) targets.Add(m);
        return new JsonObject
        {
            ["peft_type"] = peftType,
            ["task_type"] = null,
            ["base_model_name_or_path"] = baseModelName.Length == 0 ? null : baseModelName,
            ["revision"] = null,
            ["inference_mode"] = true,
            ["r"] = config.Rank,
            ["target_modules"] = targets,
            ["bias"] = "none",
            ["fan_in_fan_out"] = false,
            ["modules_to_save"] = null,
            ["layers_to_transform"] = null,
            ["layers_pattern"] = null,
        };
    }

    internal static void WriteConfig(string folder, JsonObject config) =>
        File.WriteAllText(Path.Combine(folder, PeftNames.ConfigFileName), config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
}
