using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using BlockLora.Adapters;
using BlockLora.Results;

namespace BlockLora.Experiments;

/// <summary>
/// A stored run's settings as flat fields: the config JSON that <see cref="RunIdentity"/> writes, flattened to dotted
/// paths and named by the option of <see cref="RunSettings"/> that sets each, so <c>blora results</c> speaks the same
/// vocabulary as <c>blora train</c> and the grid files.
/// </summary>
public static class RunConfigFields
{
    /// <summary>Config paths that a <see cref="RunSettings"/> option sets, by that option's name (and <c>backbone</c>, which <c>--model</c> chooses).</summary>
    private static readonly Dictionary<string, string> NameOfPath = new(StringComparer.Ordinal)
    {
        ["dataset"] = "dataset", ["method"] = "method", ["shots"] = "shots", ["seed"] = "seed", ["device"] = "device",
        ["precision"] = "precision", ["classes"] = "classes", ["backbone.name"] = "backbone",
        // A zero-shot run's template is its dataset's; an adapted run's is the training one. A run has one or the other.
        ["template"] = "template", ["training.template"] = "template",
        ["adapter.rank"] = "rank", ["adapter.blocks"] = "blocks", ["adapter.alpha"] = "alpha", ["adapter.scaling"] = "scaling",
        ["adapter.dropout"] = "dropout", ["adapter.init_fan_in"] = "init-fan-in", ["adapter.targets"] = "targets",
        ["adapter.encoders"] = "encoders", ["adapter.layers"] = "layers", ["adapter.freeze_a"] = "freeze-a", ["adapter.init"] = "init",
        ["training.iterations"] = "iterations", ["training.batch_size"] = "batch-size", ["training.lr"] = "lr",
        ["training.weight_decay"] = "weight-decay", ["training.min_crop_scale"] = "min-crop-scale",
    };

    /// <summary>Every name a field can have by option, sorted: what <c>--where</c> accepts besides dotted paths.</summary>
    public static IReadOnlyList<string> OptionNames { get; } = NameOfPath.Values.Distinct().Order(StringComparer.Ordinal).ToArray();

    // How tables order settings: what people vary most first, options before raw config paths.
    private static readonly string[] DisplayOrder =
    [
        "dataset", "shots", "seed", "method", "rank", "blocks", "alpha", "lr", "batch-size", "iterations", "targets", "encoders", "layers",
        "dropout", "template", "min-crop-scale", "weight-decay", "scaling", "init-fan-in", "freeze-a", "init", "precision", "device", "classes", "backbone",
    ];

    /// <summary>Names in the order tables show them: options in <see cref="DisplayOrder"/>, then config paths alphabetically.</summary>
    public static IReadOnlyList<string> InDisplayOrder(IEnumerable<string> names) =>
        names.Distinct().OrderBy(n => Array.IndexOf(DisplayOrder, n) is var i && i >= 0 ? i : DisplayOrder.Length)
            .ThenBy(n => n, StringComparer.Ordinal).ToArray();

    /// <summary>The name of a config path: its option's where one sets it, else the path itself.</summary>
    public static string NameOf(string path) => NameOfPath.TryGetValue(path, out var name) ? name : path;

    /// <summary>The fields of a config JSON object, in path order.</summary>
    /// <exception cref="InvalidDataException">The text is not a JSON object.</exception>
    public static IReadOnlyList<RunConfigField> Of(string configJson)
    {
        var config = RunIdentity.ParseConfig(configJson);
        var fields = new List<RunConfigField>();
        Flatten(config, "", fields);
        // RunIdentity leaves out classes when all (ids from before subsets stay valid): say it, so it can be compared and selected.
        if (!config.ContainsKey("classes")) fields.Add(new RunConfigField("classes", NameOf("classes"), "all"));
        return fields.OrderBy(f => f.Path, StringComparer.Ordinal).ToArray();
    }

    /// <summary>
    /// The fields a row written before configs existed still tells: its own columns, under the paths a config would
    /// put them at, so such rows list and filter beside newer ones.
    /// </summary>
    public static IReadOnlyList<RunConfigField> OfColumns(RunRecord row)
    {
        bool zeroShot = row.Method == AdapterMethod.ZeroShot;
        var values = new List<(string Path, string Value)>
        {
            ("dataset", row.Dataset), ("method", AdapterMethods.Format(row.Method)), ("device", row.Device), ("precision", row.Precision),
            ("classes", row.Classes), ("backbone.name", row.Backbone),
        };
        if (!zeroShot)
        {
            values.AddRange([
                ("shots", Number(row.Shots)), ("seed", Number(row.Seed)), ("adapter.rank", Number(row.Rank)), ("adapter.blocks", Number(row.Blocks)),
                ("adapter.alpha", Number(row.Alpha)), ("adapter.targets", row.Targets), ("adapter.encoders", row.Encoders),
                ("training.iterations", Number(row.Iterations)),
            ]);
        }
        return values.Where(v => v.Value.Length > 0).Select(v => new RunConfigField(v.Path, NameOf(v.Path), v.Value))
            .OrderBy(f => f.Path, StringComparer.Ordinal).ToArray();
    }

    /// <summary>
    /// Whether a field's text equals a wanted value: numerically when both are numbers (<c>2e-4</c> is <c>0.0002</c>),
    /// else as text ignoring case (dataset and method names are typed by hand).
    /// </summary>
    public static bool ValueMatches(string value, string wanted)
    {
        if (TryNumber(value, out var a) && TryNumber(wanted, out var b)) return a == b;
        return string.Equals(value, wanted.Trim(), StringComparison.OrdinalIgnoreCase);
    }

    private static bool TryNumber(string text, out double value) =>
        double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static void Flatten(JsonObject node, string prefix, List<RunConfigField> fields)
    {
        foreach (var (key, value) in node)
        {
            string path = prefix + key;
            if (value is JsonObject inner) Flatten(inner, path + ".", fields);
            else fields.Add(new RunConfigField(path, NameOf(path), Text(value)));
        }
    }

    private static string Text(JsonNode? value) => value switch
    {
        null => "null",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => Number(v.GetValue<double>()),
        _ => value.ToJsonString(),
    };
}
