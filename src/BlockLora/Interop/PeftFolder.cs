using System.Text.Json;
using System.Text.RegularExpressions;
using BlockLora.Adapters;
using BlockLora.Checkpoints;
using BlockLora.Clip;
using BlockLora.IO;
using static TorchSharp.torch;

namespace BlockLora.Interop;

/// <summary>
/// A PEFT adapter folder as every import here reads it (<see cref="PeftAdapterImport"/> for LORA, <see cref="PeftVeraImport"/>
/// for VERA): <c>adapter_config.json</c> parsed and <c>adapter_model.safetensors</c> loaded, each with one-line errors; the
/// selection check that the adapted modules are targets × encoders × layers; and the atomic write that reads the result
/// back for the base before moving it into place.
/// </summary>
internal static class PeftFolder
{
    /// <summary>The parsed <c>adapter_config.json</c> of <paramref name="dir"/> and its path.</summary>
    public static (JsonElement Root, string Path) ReadConfig(string dir)
    {
        if (File.Exists(dir)) throw new InvalidDataException($"{dir}: is a file; expected a PEFT adapter folder ({PeftNames.ConfigFileName}, {PeftNames.WeightsFileName})");
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"{dir}: folder not found");
        string path = Path.Combine(dir, PeftNames.ConfigFileName);
        if (!File.Exists(path)) throw new InvalidDataException($"{dir}: no {PeftNames.ConfigFileName}; not a PEFT adapter folder");
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = doc.RootElement.Clone();
            if (root.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{path}: expected a JSON object");
            return (root, path);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON ({e.Message.ReplaceLineEndings(" ")})");
        }
    }

    public static string? String(JsonElement root, string key) =>
        root.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static bool Flag(JsonElement root, string key) =>
        root.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.True;

    /// <summary>The config's <c>r</c>, which must be a positive integer.</summary>
    public static int Rank(JsonElement root, string path) =>
        root.TryGetProperty("r", out var r) && r.TryGetInt32(out int rank) && rank > 0 ? rank : throw new InvalidDataException($"{path}: r is missing or not a positive integer");

    /// <summary>The config's <c>target_modules</c> as PEFT wrote it (a list or a regex string; undefined when absent, which covers nothing).</summary>
    public static JsonElement TargetModules(JsonElement root) =>
        root.TryGetProperty("target_modules", out var targets) ? targets : default;

    /// <summary>Set to something other than null, false, or an empty list, object or string.</summary>
    public static bool NonEmpty(JsonElement root, string key) => root.TryGetProperty(key, out var v) && v.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined or JsonValueKind.False => false,
        JsonValueKind.Array => v.GetArrayLength() > 0,
        JsonValueKind.Object => v.EnumerateObject().Any(),
        JsonValueKind.String => v.GetString()!.Length > 0,
        _ => true,
    };

    /// <summary>Refuses what no import here represents: trained biases, Conv1D-style weights, fully trained extra modules.</summary>
    public static void RefuseCommonExtras(JsonElement root, string path)
    {
        if (Flag(root, "fan_in_fan_out")) throw new InvalidDataException($"{path}: fan_in_fan_out is true (Conv1D-style weights); CLIP's layers are Linear");
        if (NonEmpty(root, "modules_to_save")) throw new InvalidDataException($"{path}: modules_to_save is set; fully trained extra modules are not an adapter this project stores");
        if (String(root, "bias") is { } bias && bias != "none") throw new InvalidDataException($"{path}: bias is '{bias}'; trained biases are not represented here (use bias 'none')");
    }

    /// <summary>The tensors of <c>adapter_model.safetensors</c> and its path; the caller disposes the tensors.</summary>
    public static (SafeTensorsFile.Contents Raw, string Path) LoadWeights(string dir)
    {
        string weights = Path.Combine(dir, PeftNames.WeightsFileName);
        if (!File.Exists(weights))
            throw new InvalidDataException(File.Exists(Path.Combine(dir, "adapter_model.bin"))
                ? $"{dir}: only adapter_model.bin (a pickle, not read: it can run code); save the adapter with safe_serialization=True"
                : $"{dir}: no {PeftNames.WeightsFileName}");
        try { return (SafeTensorsFile.Load(weights), weights); }
        catch (FormatException e) { throw new InvalidDataException(e.Message.StartsWith(weights, StringComparison.Ordinal) ? e.Message : $"{weights}: {e.Message}"); }
    }

    /// <summary>PEFT's rule (tuners_utils <c>check_target_module_exists</c>): a string is a full-match regex, a list matches a name or a dotted suffix.</summary>
    public static bool Covered(JsonElement targets, string module) => targets.ValueKind switch
    {
        JsonValueKind.String => Regex.IsMatch(module, $"^(?:{targets.GetString()})$"),
        JsonValueKind.Array => targets.EnumerateArray().Select(t => t.GetString() ?? "").Any(t => module == t || module.EndsWith("." + t, StringComparison.Ordinal)),
        _ => false,
    };

    /// <summary>
    /// This project's path of a PEFT module key's module, checked to be a CLIPModel encoder matrix covered by
    /// <c>target_modules</c>; <paramref name="key"/> names the tensor in the errors.
    /// </summary>
    public static string ModulePath(string module, string key, JsonElement targets, string weights, string configPath)
    {
        if (HfClipNames.FromHfModule(module) is not { } path)
            throw new InvalidDataException($"{weights}: '{key}' is not a module of a Hugging Face CLIPModel's encoder layers (an adapter for another model?)");
        if (!Covered(targets, module))
            throw new InvalidDataException($"{configPath}: target_modules does not cover '{module}', which {weights} adapts");
        return path;
    }

    /// <summary>(out, in) of every matrix an adapter could sit on in <paramref name="clip"/>, by path.</summary>
    public static IReadOnlyDictionary<string, (long Out, long In)> Shapes(ClipConfig clip) =>
        new AdapterConfig { Targets = AdapterTargets.All, Encoders = AdapterEncoders.Both, Layers = LayerSelection.All }
            .SelectMatrices(clip).ToDictionary(m => m.Path, m => (Out: m.OutFeatures, In: m.InFeatures), StringComparer.Ordinal);

    /// <summary>The shape of <paramref name="path"/> in <paramref name="clip"/>, or one line saying the adapter is for another size.</summary>
    public static (long Out, long In) Shape(IReadOnlyDictionary<string, (long Out, long In)> shapes, string path, string module, string weights, ClipConfig clip) =>
        shapes.TryGetValue(path, out var shape) ? shape
            : throw new InvalidDataException($"{weights}: '{module}' is not in the model ({clip.TextLayers} text and {clip.VisionLayers} vision layers): an adapter for another CLIP size");

    /// <summary>
    /// <paramref name="config"/> with targets, encoders and layers read off the adapted <paramref name="paths"/>, refused
    /// when those paths are not exactly that selection's matrices.
    /// </summary>
    public static AdapterConfig WithSelection(AdapterConfig config, IReadOnlyCollection<string> paths, ClipConfig clip, string weights)
    {
        var names = paths.Select(p => p + ".lora_A").ToArray();
        config = config with
        {
            Targets = AdapterTensorNames.Targets(names),
            Encoders = AdapterTensorNames.Encoders(names),
            Layers = AdapterTensorNames.Layers(names),
        };
        var expected = config.SelectMatrices(clip).Select(m => m.Path).ToHashSet(StringComparer.Ordinal);
        var actual = paths.ToHashSet(StringComparer.Ordinal);
        if (!expected.SetEquals(actual))
        {
            string missing = expected.Except(actual).Order(StringComparer.Ordinal).FirstOrDefault() ?? actual.Except(expected).First();
            throw new InvalidDataException($"{weights}: the adapted modules are not every target × layer of each encoder (e.g. {HfClipNames.ToHf(missing)} is not adapted while its layer and target are); such a selection is not represented here");
        }
        return config;
    }

    /// <summary>Writes this project's adapter file atomically: staged beside <paramref name="outPath"/>, read back for the base, then moved into place.</summary>
    public static void SaveAdapter(string outPath, IReadOnlyList<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string> metadata, ClipConfig clip)
    {
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
    }
}
