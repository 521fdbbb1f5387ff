using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BlockLora.Adapters;
using BlockLora.Data;
using BlockLora.Torch;

namespace BlockLora.Experiments;

/// <summary>
/// A run's identity: the canonical JSON of every resolved setting that can change its result, and the SHA-256 of that
/// JSON. Two specs with the same id compute the same thing; a change of any such setting (learning rate, batch size,
/// dropout, scaling rule, init fan-in, layers, template, crop scale, weight decay, split file, precision, backbone
/// content, ...) gives another id, another results row and another run folder. Settings that cannot change a result —
/// data workers, checkpoint and metrics-log intervals, results folder, resuming, progress display — are left out, so changing them
/// still finds the finished run.
/// </summary>
public sealed record RunIdentity(string Json, string Id)
{
    /// <summary>Bumped when what a run computes for the same settings changes (then old ids no longer match).</summary>
    public const int FormatVersion = 1;

    /// <summary>The first 12 hex digits: enough to tell runs of one grid apart in a folder name.</summary>
    public string ShortId => Id[..12];

    /// <param name="evalClasses">The half a row is scored on when it is not the run's own (the new half of a base run).</param>
    public static RunIdentity Of(RunSpec spec, string evalDataset = "", ClassSubset? evalClasses = null) =>
        Of(spec, spec.ResolveDataset(spec.Dataset), EvalDatasetOf(spec, evalDataset), evalClasses, spec.ComputeDType);

    /// <summary>The identity from settings already resolved (<see cref="RunSpec.Resolve"/>): nothing is looked up again.</summary>
    /// <param name="evalDataset">The dataset a row is scored on when it is not the run's own (null: its own).</param>
    public static RunIdentity Of(RunSpec spec, DatasetInfo dataset, DatasetInfo? evalDataset, ClassSubset? evalClasses, TorchSharp.torch.ScalarType dtype) =>
        Hashed(Config(spec, dataset, evalDataset, evalClasses, BackboneFingerprint.Of(spec.ModelPath), spec.Backbone,
            spec.Train.Device.StartsWith("cuda", StringComparison.Ordinal) ? "cuda" : spec.Train.Device, PrecisionSelection.Name(dtype)));

    private static DatasetInfo? EvalDatasetOf(RunSpec spec, string evalDataset) => evalDataset.Length == 0 ? null : spec.ResolveDataset(evalDataset);

    /// <summary>Stands for a setting that the machine decides, in <see cref="Planned(RunSpec, string, ClassSubset?)"/>.</summary>
    public const string Open = "*";

    /// <summary>
    /// The canonical config a spec's row will carry, with what only the machine that runs it decides left <see cref="Open"/>:
    /// the backbone (name and content: a table names its runs without the weights at hand), the device, and the precision
    /// when it is auto (auto is bf16 on one CPU and fp32 on another). <see cref="Planned(string, bool)"/> opens the same
    /// fields of a stored row's config, so the two compare as text. Reads no model and probes no device.
    /// </summary>
    public static string Planned(RunSpec spec, string evalDataset = "", ClassSubset? evalClasses = null) =>
        Canonical(Config(spec, spec.ResolveDataset(spec.Dataset), EvalDatasetOf(spec, evalDataset), evalClasses, Open, Open, Open,
            spec.Train.Precision == Precision.Auto ? Open : Precisions.Format(spec.Train.Precision)));

    /// <summary>A stored row's config with the machine's fields opened as in <see cref="Planned(RunSpec, string, ClassSubset?)"/> (the precision only when <paramref name="openPrecision"/>).</summary>
    public static string Planned(string storedConfig, bool openPrecision)
    {
        var config = ParseConfig(storedConfig);
        config["backbone"] = new JsonObject { ["name"] = Open, ["fingerprint"] = Open };
        config["device"] = Open;
        if (openPrecision) config["precision"] = Open;
        return Canonical(config);
    }

    private static JsonObject Config(RunSpec spec, DatasetInfo dataset, DatasetInfo? evalDataset, ClassSubset? evalClasses, string fingerprint, string backbone, string device, string precision)
    {
        var train = spec.Train;
        var config = new JsonObject
        {
            ["format_version"] = FormatVersion,
            ["backbone"] = new JsonObject { ["name"] = backbone, ["fingerprint"] = fingerprint },
            ["dataset"] = dataset.Name,
            ["eval_dataset"] = evalDataset?.Name ?? "",
            ["method"] = AdapterMethods.Format(spec.Method),
            ["device"] = device,
            ["precision"] = precision,
        };
        // Only when not all, so that runs on every class keep the ids they had before subsets existed.
        if (spec.Classes != ClassSubset.All) config["classes"] = ClassSubsets.Format(spec.Classes);
        if (evalClasses is { } scored && scored != spec.Classes) config["eval_classes"] = ClassSubsets.Format(scored);
        if (spec.IsZeroShot)
        {
            config["template"] = (evalDataset ?? dataset).PromptTemplate;
        }
        else
        {
            var a = spec.ResolvedAdapter;
            config["shots"] = spec.Shots;
            config["seed"] = spec.Seed;
            config["adapter"] = new JsonObject
            {
                ["rank"] = a.Rank,
                ["blocks"] = a.Blocks,
                ["alpha"] = a.Alpha,
                ["scaling"] = ScalingRuleNames.Format(a.Scaling),
                ["dropout"] = a.Dropout,
                ["init_fan_in"] = InitFanInNames.Format(a.InitFanIn),
                ["targets"] = AdapterTargetNames.Format(a.Targets),
                ["encoders"] = AdapterEncoderNames.Format(a.Encoders),
                ["layers"] = a.Layers.ToString(),
            };
            // Only when not the default, so that every run from before these options (LoRA-FA, PiSSA, DoRA, VeRA's d_initial) keeps its id.
            if (a.FreezeA) ((JsonObject)config["adapter"]!)["freeze_a"] = true;
            if (a.Init != AdapterInit.Kaiming) ((JsonObject)config["adapter"]!)["init"] = AdapterInitNames.Format(a.Init);
            if (a.Dora) ((JsonObject)config["adapter"]!)["dora"] = true;
            if (a.VeraDInitial != VeraAdapter.DefaultDInitial) ((JsonObject)config["adapter"]!)["vera_d_initial"] = a.VeraDInitial;
            config["training"] = new JsonObject
            {
                ["iterations"] = spec.Iterations,
                ["batch_size"] = train.BatchSize,
                ["lr"] = train.LearningRate,
                ["min_lr"] = train.MinLearningRate,
                ["weight_decay"] = train.WeightDecay,
                ["beta1"] = train.Beta1,
                ["beta2"] = train.Beta2,
                ["logit_scale"] = train.LogitScale,
                ["template"] = train.Template,
                ["min_crop_scale"] = train.MinCropScale,
            };
            config["few_shot"] = spec.SplitFile is null ? "sampled" : "file:" + FileSha256(spec.SplitFile);
        }
        return config;
    }

    /// <summary>
    /// The identity of the run that wrote a row, from the row's config: an eval-on row or a new-half row has an id of its
    /// own, and its run is the same config scored on its own dataset and half (<c>eval_dataset</c> empty, no
    /// <c>eval_classes</c>). That is the id of the run's own row and of its run folder.
    /// </summary>
    /// <exception cref="InvalidDataException">The text is not a JSON object.</exception>
    public static RunIdentity OwnRunOf(string rowConfig)
    {
        var config = ParseConfig(rowConfig);
        config["eval_dataset"] = "";
        config.Remove("eval_classes");
        return Hashed(config);
    }

    /// <summary>A stored config's JSON object (the one reader of the text <see cref="Of"/> writes).</summary>
    /// <exception cref="InvalidDataException">The text is not a JSON object.</exception>
    public static JsonObject ParseConfig(string configJson)
    {
        JsonNode? parsed;
        try
        {
            parsed = JsonNode.Parse(configJson);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"run config is not JSON ({e.Message})");
        }
        return parsed as JsonObject ?? throw new InvalidDataException("run config is not a JSON object");
    }

    // The one path from settings to id, so an id recomputed from a stored config matches the one the run computed.
    private static RunIdentity Hashed(JsonObject config)
    {
        string json = Canonical(config);
        return new RunIdentity(json, Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(json))).ToLowerInvariant());
    }

    /// <summary>Keys sorted at every level, no whitespace, invariant numbers: the same settings always give the same bytes.</summary>
    private static string Canonical(JsonNode node)
    {
        var text = new StringBuilder();
        Write(node, text);
        return text.ToString();
    }

    private static void Write(JsonNode? node, StringBuilder text)
    {
        switch (node)
        {
            case JsonObject o:
                text.Append('{');
                bool first = true;
                foreach (var (key, value) in o.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    if (!first) text.Append(',');
                    first = false;
                    text.Append(JsonSerializer.Serialize(key)).Append(':');
                    Write(value, text);
                }
                text.Append('}');
                break;
            case JsonValue v when v.TryGetValue<double>(out var d):
                text.Append(d.ToString("R", CultureInfo.InvariantCulture));
                break;
            default:
                text.Append(node?.ToJsonString() ?? "null");
                break;
        }
    }

    private static string FileSha256(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: split file not found", path);
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant();
    }
}
