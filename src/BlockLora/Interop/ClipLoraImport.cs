using System.Globalization;
using BlockLora.Adapters;
using BlockLora.Clip;
using BlockLora.IO;
using static TorchSharp.torch;

namespace BlockLora.Interop;

/// <summary>
/// Imports adapters saved by CLIP-LoRA (github MaxZanella/CLIP-LoRA, <c>loralib/utils.py</c>
/// <c>save_lora</c>): a torch.save of
/// <c>{"weights": {"layer_&lt;i&gt;": {"q_proj"|"k_proj"|"v_proj"|"proj": {"w_lora_A": [r,k], "w_lora_B": [d,r]}}},
/// "metadata": {"r", "alpha", "encoder", "params", "position"}}</c>. The file is read with
/// <see cref="TorchZipPickleReader"/>, so no Python in it runs.
/// <para>
/// The file numbers adapted attention blocks by enumeration order, not by name, so the import
/// rebuilds CLIP-LoRA's order (<see cref="AttentionModules"/>) from encoder, position and the model's
/// layer counts, and names each tensor after OpenAI's module path
/// (<c>transformer.resblocks.{i}.attn.q_proj</c>, <c>visual.transformer.resblocks.{i}.attn.out_proj</c>, …).
/// Everything is checked against everything else (layer count, projections present, rank, widths)
/// because a mismatch would otherwise load silently into the wrong blocks.
/// </para>
/// </summary>
public static class ClipLoraImport
{
    /// <summary>CLIP-LoRA's <c>--dropout_rate</c> default; the file does not record the value used.</summary>
    public const double DefaultDropout = 0.25;

    // CLIP-LoRA's params letters, their keys in the file and our projection names, in our canonical order.
    private static readonly (string Param, string FileKey, string Module)[] Projections =
    [
        ("q", "q_proj", "q_proj"),
        ("k", "k_proj", "k_proj"),
        ("v", "v_proj", "v_proj"),
        ("o", "proj", "out_proj"),
    ];

    /// <summary>Reads a CLIP-LoRA <c>.pt</c> for a CLIP with these text / vision depths.</summary>
    public static ImportedAdapter Read(string path, int textLayers, int visionLayers) =>
        Read(path, textLayers, visionLayers, textWidth: null, visionWidth: null);

    /// <summary>Reads a CLIP-LoRA <c>.pt</c> for this CLIP, also checking the tensor widths against it.</summary>
    public static ImportedAdapter Read(string path, ClipConfig config) =>
        Read(path, config.TextLayers, config.VisionLayers, config.TextWidth, config.VisionWidth);

    /// <summary>Converts a CLIP-LoRA <c>.pt</c> into this project's <c>.safetensors</c> adapter file.</summary>
    public static void Convert(string inPath, string outSafetensorsPath, int textLayers, int visionLayers)
    {
        using var adapter = Read(inPath, textLayers, visionLayers);
        SafeTensorsFile.Save(outSafetensorsPath, adapter.Tensors, adapter.Metadata);
    }

    /// <inheritdoc cref="Convert(string, string, int, int)"/>
    public static void Convert(string inPath, string outSafetensorsPath, ClipConfig config)
    {
        using var adapter = Read(inPath, config);
        SafeTensorsFile.Save(outSafetensorsPath, adapter.Tensors, adapter.Metadata);
    }

    /// <summary>
    /// The attention modules CLIP-LoRA adapts, in the order it numbers them <c>layer_0, layer_1, …</c>:
    /// selected text blocks ascending, then selected vision blocks ascending (its <c>apply_lora</c>).
    /// Throws <see cref="ArgumentException"/> for an encoder or position CLIP-LoRA does not have.
    /// </summary>
    public static IReadOnlyList<string> AttentionModules(string encoder, string position, int textLayers, int visionLayers)
    {
        if (encoder is not ("text" or "vision" or "both"))
            throw new ArgumentException($"encoder '{encoder}' is not one of CLIP-LoRA's: text, vision, both");
        var modules = new List<string>();
        if (encoder is "text" or "both")
        {
            var blocks = ClipLoraPositions.TextBlocks(position, textLayers)
                ?? throw new ArgumentException($"position '{position}' is not one CLIP-LoRA defines for the text encoder ({string.Join(", ", ClipLoraPositions.TextPositions)})");
            modules.AddRange(blocks.Select(i => $"transformer.resblocks.{i}.attn"));
        }
        if (encoder is "vision" or "both")
        {
            var blocks = ClipLoraPositions.VisionBlocks(position, visionLayers)
                ?? throw new ArgumentException($"position '{position}' is not one CLIP-LoRA defines for a {visionLayers}-layer vision encoder ({string.Join(", ", ClipLoraPositions.VisionPositions(visionLayers))})");
            modules.AddRange(blocks.Select(i => $"visual.transformer.resblocks.{i}.attn"));
        }
        return modules;
    }

    private static ImportedAdapter Read(string path, int textLayers, int visionLayers, int? textWidth, int? visionWidth)
    {
        if (textLayers <= 0 || visionLayers <= 0)
            throw new ArgumentException($"layer counts must be positive (text {textLayers}, vision {visionLayers})");
        var root = TorchZipPickleReader.Load(path);
        var output = new Dictionary<string, Tensor>();
        try
        {
            var metadata = ToAdapter(root, path, textLayers, visionLayers, textWidth, visionWidth, output);
            return new ImportedAdapter(output, metadata);
        }
        catch
        {
            foreach (var t in output.Values) t.Dispose();
            throw;
        }
        finally
        {
            // Everything read from the file is copied into fp32 outputs; the originals go.
            foreach (var t in TensorsIn(root)) t.Dispose();
        }
    }

    private static Dictionary<string, string> ToAdapter(object? root, string path, int textLayers, int visionLayers,
        int? textWidth, int? visionWidth, Dictionary<string, Tensor> output)
    {
        FormatException Bad(string what) => new($"{path}: {what}");

        var top = root as Dictionary<object, object?> ?? throw Bad("not a CLIP-LoRA adapter (the file holds no dict)");
        var weights = Field(top, "weights", path, "the file") as Dictionary<object, object?>
            ?? throw Bad("not a CLIP-LoRA adapter ('weights' is not a dict)");
        var meta = Field(top, "metadata", path, "the file") as Dictionary<object, object?>
            ?? throw Bad("not a CLIP-LoRA adapter ('metadata' is not a dict)");

        long rank = Field(meta, "r", path, "metadata") is long r && r > 0 ? r : throw Bad("metadata 'r' is not a positive integer");
        double alpha = Field(meta, "alpha", path, "metadata") switch
        {
            long a => a,
            double a => a,
            var other => throw Bad($"metadata 'alpha' is {Describe(other)}, not a number"),
        };
        string encoder = Field(meta, "encoder", path, "metadata") as string ?? throw Bad("metadata 'encoder' is not a string");
        string position = Field(meta, "position", path, "metadata") as string ?? throw Bad("metadata 'position' is not a string");
        var paramsList = ParamLetters(Field(meta, "params", path, "metadata"), path);
        var unknown = paramsList.Where(p => Projections.All(x => x.Param != p)).ToList();
        if (unknown.Count > 0)
            throw Bad($"metadata 'params' has {string.Join(", ", unknown.Select(u => $"'{u}'"))}; CLIP-LoRA adapts only q, k, v, o");
        var projections = Projections.Where(x => paramsList.Contains(x.Param)).ToArray();
        if (projections.Length == 0) throw Bad("metadata 'params' names no projection");

        IReadOnlyList<string> modules;
        try { modules = AttentionModules(encoder, position, textLayers, visionLayers); }
        catch (ArgumentException e) { throw Bad($"metadata: {e.Message}"); }

        int textCount = modules.Count(m => !m.StartsWith("visual.", StringComparison.Ordinal));
        // An adapter of no matrices would be written and only refused when read back.
        if (modules.Count == 0 && weights.Count == 0)
            throw Bad($"'weights' is empty: encoder '{encoder}' with position '{position}' selects no attention block of a CLIP with " +
                $"{textLayers} text and {visionLayers} vision layers, so there is no adapter to import");
        if (weights.Count != modules.Count)
            throw Bad($"has {weights.Count} 'layer_<i>' entries but encoder '{encoder}' with position '{position}' selects {modules.Count} attention blocks " +
                $"({textCount} text + {modules.Count - textCount} vision) of a CLIP with {textLayers} text and {visionLayers} vision layers");

        var widths = new Dictionary<bool, long>(); // width seen per encoder (key: is vision)
        if (textWidth is { } tw) widths[false] = tw;
        if (visionWidth is { } vw) widths[true] = vw;

        for (int i = 0; i < modules.Count; i++)
        {
            string layerKey = $"layer_{i}";
            string module = modules[i];
            bool vision = module.StartsWith("visual.", StringComparison.Ordinal);
            var layer = (weights.TryGetValue(layerKey, out var l) ? l : throw Bad($"'weights' has no '{layerKey}' (expected layer_0 … layer_{modules.Count - 1})"))
                as Dictionary<object, object?> ?? throw Bad($"'{layerKey}' is not a dict");

            var expectedKeys = projections.Select(p => p.FileKey).ToHashSet();
            foreach (var key in layer.Keys)
                if (key is not string k || !expectedKeys.Contains(k))
                    throw Bad($"{layerKey} ({module}) has '{key}', which metadata params [{string.Join(", ", paramsList)}] do not adapt");

            foreach (var (param, fileKey, projName) in projections)
            {
                string where = $"{layerKey} ({module}.{projName})";
                var proj = (layer.TryGetValue(fileKey, out var p) ? p : throw Bad($"{layerKey} ({module}) has no '{fileKey}' though metadata params include '{param}'"))
                    as Dictionary<object, object?> ?? throw Bad($"{where}: '{fileKey}' is not a dict");
                var a = Field(proj, "w_lora_A", path, where) as Tensor ?? throw Bad($"{where}: w_lora_A is not a tensor");
                var b = Field(proj, "w_lora_B", path, where) as Tensor ?? throw Bad($"{where}: w_lora_B is not a tensor");
                if (!a.is_floating_point() || !b.is_floating_point())
                    throw Bad($"{where}: w_lora_A/w_lora_B are {a.dtype}/{b.dtype}, not floating point");
                if (a.dim() != 2 || a.shape[0] != rank)
                    throw Bad($"{where}: w_lora_A has shape {Shape(a)} but metadata r = {rank} needs [{rank}, k]");
                if (b.dim() != 2 || b.shape[1] != rank)
                    throw Bad($"{where}: w_lora_B has shape {Shape(b)} but metadata r = {rank} needs [d, {rank}]");
                // CLIP's attention projections are square: k = d = the encoder's width.
                if (a.shape[1] != b.shape[0])
                    throw Bad($"{where}: w_lora_A {Shape(a)} and w_lora_B {Shape(b)} do not make a square attention projection");
                if (widths.TryGetValue(vision, out long width) && a.shape[1] != width)
                    throw Bad($"{where}: w_lora_A has shape {Shape(a)} but the {(vision ? "vision" : "text")} width is {width}");
                widths[vision] = a.shape[1];

                output[$"{module}.{projName}.lora_A"] = Fp32Copy(a);
                output[$"{module}.{projName}.lora_B"] = Fp32Copy(b);
            }
        }

        var inv = CultureInfo.InvariantCulture;
        var metadata = new Dictionary<string, string>
        {
            ["format"] = "blora-adapter",
            ["version"] = "1",
            ["method"] = "lora",
            ["rank"] = rank.ToString(inv),
            ["blocks"] = "1",
            ["alpha"] = alpha.ToString("R", inv),
            // CLIP-LoRA's LoRALayer scales by alpha / sqrt(r) (its classic alpha / r is commented out).
            ["scaling"] = "alpha/sqrt(r)",
            ["dropout"] = DefaultDropout.ToString("R", inv),
            ["targets"] = string.Join(",", projections.Select(p => p.Param)),
            ["encoders"] = encoder,
            ["layers"] = Layers(modules, textLayers, visionLayers, encoder).ToString(),
            ["source"] = "clip-lora",
            ["clip_lora_position"] = position,
            ["clip_lora_params"] = string.Join(",", paramsList),
            ["source_file"] = Path.GetFileName(path),
        };
        CheckReadsBack(metadata, output.Keys, path, textLayers, visionLayers);
        return metadata;
    }

    /// <summary>
    /// The selection CLIP-LoRA's blocks make in this project's terms: <c>all</c> for a tower adapted in
    /// every block, else its indices; per tower when the two differ (ViT-L/14's 'half-up' adapts text
    /// 6–11 and vision 12–23, which no single selection describes).
    /// </summary>
    private static LayerSelection Layers(IReadOnlyList<string> modules, int textLayers, int visionLayers, string encoder)
    {
        static int Block(string module) => int.Parse(module.Split('.')[^2], CultureInfo.InvariantCulture);
        static LayerSelection Tower(List<int> blocks, int layerCount) => blocks.Count == layerCount ? LayerSelection.All : LayerSelection.Of(blocks);
        var text = modules.Where(m => !m.StartsWith("visual.", StringComparison.Ordinal)).Select(Block).ToList();
        var vision = modules.Where(m => m.StartsWith("visual.", StringComparison.Ordinal)).Select(Block).ToList();
        return encoder switch
        {
            "text" => Tower(text, textLayers),
            "vision" => Tower(vision, visionLayers),
            _ => LayerSelection.PerEncoder(Tower(text, textLayers), Tower(vision, visionLayers)),
        };
    }

    /// <summary>
    /// Reads the metadata back the way <see cref="AdapterFile"/> will and checks it selects exactly the
    /// matrices written, so an import never succeeds with a file the project then refuses or misreads.
    /// </summary>
    private static void CheckReadsBack(Dictionary<string, string> metadata, IEnumerable<string> tensorNames, string path, int textLayers, int visionLayers)
    {
        // Only the layer counts decide which module paths a config selects (n = 1 divides every width).
        var clip = ClipConfig.VitB16 with { TextLayers = textLayers, VisionLayers = visionLayers };
        var selected = AdapterMetadata.ToConfig(metadata, path).SelectMatrices(clip)
            .SelectMany(m => new[] { m.Path + ".lora_A", m.Path + ".lora_B" }).ToHashSet(StringComparer.Ordinal);
        if (!selected.SetEquals(tensorNames))
            throw new InvalidOperationException($"{path}: the imported metadata (encoders {metadata["encoders"]}, layers {metadata["layers"]}) " +
                $"selects {selected.Count / 2} matrices, not the {tensorNames.Count() / 2} imported; this is a bug in the import");
    }

    private static Tensor Fp32Copy(Tensor t)
    {
        using var converted = t.to_type(ScalarType.Float32, copy: true);
        return converted.contiguous();
    }

    private static object? Field(Dictionary<object, object?> dict, string key, string path, string where) =>
        dict.TryGetValue(key, out var value) ? value : throw new FormatException($"{path}: {where} has no '{key}'");

    /// <summary>argparse gives a list of strings; a plain string also works in CLIP-LoRA ('q' in 'qkv').</summary>
    private static List<string> ParamLetters(object? value, string path) => value switch
    {
        List<object?> list when list.All(x => x is string) => list.Cast<string>().ToList(),
        object?[] tuple when tuple.All(x => x is string) => tuple.Cast<string>().ToList(),
        string s => s.Select(c => c.ToString()).ToList(),
        _ => throw new FormatException($"{path}: metadata 'params' is {Describe(value)}, not a list of strings"),
    };

    /// <summary>Every tensor in an unpickled value, once each (the reader's caller owns them).</summary>
    internal static IEnumerable<Tensor> TensorsIn(object? value)
    {
        var pending = new Stack<object?>();
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        pending.Push(value);
        while (pending.Count > 0)
        {
            var item = pending.Pop();
            if (item is null || item is string || !seen.Add(item)) continue;
            switch (item)
            {
                case Tensor t: yield return t; break;
                case Dictionary<object, object?> d: foreach (var (k, v) in d) { pending.Push(k); pending.Push(v); } break;
                case List<object?> l: foreach (var v in l) pending.Push(v); break;
                case object?[] a: foreach (var v in a) pending.Push(v); break;
                case HashSet<object?> s: foreach (var v in s) pending.Push(v); break;
            }
        }
    }

    private static string Shape(Tensor t) => $"[{string.Join(", ", t.shape)}]";

    private static string Describe(object? value) => value switch
    {
        null => "None",
        string s => $"'{s}'",
        _ => $"a {value.GetType().Name}",
    };
}
