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
    public static RunIdentity Of(RunSpec spec, string evalDataset = "", ClassSubset? evalClasses = null)
    {
        var train = spec.Train;
        var config = new JsonObject
        {
            ["format_version"] = FormatVersion,
            ["backbone"] = new JsonObject { ["name"] = spec.Backbone, ["fingerprint"] = BackboneFingerprint.Of(spec.ModelPath) },
            ["dataset"] = spec.ResolveDataset(spec.Dataset).Name,
            ["eval_dataset"] = evalDataset.Length == 0 ? "" : spec.ResolveDataset(evalDataset).Name,
            ["method"] = AdapterMethods.Format(spec.Method),
            ["device"] = spec.Train.Device.StartsWith("cuda", StringComparison.Ordinal) ? "cuda" : spec.Train.Device,
            ["precision"] = PrecisionSelection.Name(spec.ComputeDType),
        };
        // Only when not all, so that runs on every class keep the ids they had before subsets existed.
        if (spec.Classes != ClassSubset.All) config["classes"] = ClassSubsets.Format(spec.Classes);
        if (evalClasses is { } scored && scored != spec.Classes) config["eval_classes"] = ClassSubsets.Format(scored);
        if (spec.IsZeroShot)
        {
            config["template"] = spec.ResolveDataset(evalDataset.Length == 0 ? spec.Dataset : evalDataset).PromptTemplate;
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
