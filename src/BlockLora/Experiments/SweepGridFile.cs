using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace BlockLora.Experiments;

/// <summary>A grid file as read: its grid, its description, and the table it declares (<c>table: fewshot</c>; empty for a plain sweep).</summary>
public sealed record GridFile(string Path, SweepGrid Grid, string Description, string Table);

/// <summary>
/// Reads a sweep's grid file (YAML):
/// <code>
/// description: what this ablation asks          # optional, shown by the notebooks
/// table: ablation                                # optional: the table these runs fill (blora tables)
/// fixed:   { method: block-lora, blocks: 8 }     # one value each
/// grid:                                          # the product of these axes is taken
///   targets: q,k,v | v,o | q,k,v,o               # '|' separates alternatives
///   lr: [1e-4, 2e-4]                             # or a list, one value per item
/// include:                                       # extra points, each over the fixed options
///   - { targets: all, lr: 5e-4 }
/// repeat:                                        # every point above, once per value (seeds for a spread)
///   seed: 1 | 2 | 3
/// </code>
/// Keys are the options of <c>blora train</c> without the dashes. For options whose single value is itself a
/// comma list (targets, encoders, layers, eval-on) a flow list <c>[q,k,v]</c> would silently mean three alternatives,
/// so it is refused: write <c>q,k,v | v,o</c> or a block list (<c>- q,k,v</c>). Every error is one line naming the file,
/// its line, the key and the value.
/// </summary>
public static class SweepGridFile
{
    private static readonly string[] Sections = ["description", "table", "fixed", "grid", "include", "repeat"];

    /// <summary>The grid in <paramref name="path"/>, validated (<see cref="SweepGrid.Validated"/>).</summary>
    /// <exception cref="InvalidDataException">Malformed YAML, an unknown key or section, or a malformed value.</exception>
    public static SweepGrid Read(string path) => Read(path, out _);

    public static SweepGrid Read(string path, out string description)
    {
        var file = ReadFile(path);
        description = file.Description;
        return file.Grid;
    }

    /// <summary>The whole file: its grid, its description and the table it declares (empty when it declares none).</summary>
    public static GridFile ReadFile(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: grid file not found", path);
        var yaml = new YamlStream();
        try
        {
            using var reader = File.OpenText(path);
            yaml.Load(reader);
        }
        catch (YamlException e)
        {
            throw new InvalidDataException($"{path}:{e.Start.Line}: not valid YAML: {OneLine(e.InnerException?.Message ?? e.Message)}");
        }
        string description = "", table = "";
        if (yaml.Documents.Count == 0) throw new InvalidDataException($"{path}: empty grid file (expected fixed:, grid: or include:)");
        if (yaml.Documents[0].RootNode is not YamlMappingNode root)
            throw new InvalidDataException($"{path}:{yaml.Documents[0].RootNode.Start.Line}: expected a mapping with fixed:, grid: and include:");

        var grid = new SweepGrid();
        foreach (var (keyNode, value) in root.Children)
        {
            string section = Scalar(path, keyNode, "section");
            switch (section)
            {
                case "description":
                    description = Scalar(path, value, "description");
                    break;
                case "table":
                    table = Scalar(path, value, "table name").Trim();
                    break;
                case "fixed":
                    grid = grid with { Fixed = Settings(path, value, "fixed", axis: false) };
                    break;
                case "grid":
                    grid = grid with { Axes = Settings(path, value, "grid", axis: true) };
                    break;
                case "include":
                    if (value is not YamlSequenceNode points) throw new InvalidDataException($"{At(path, value)}: include: expects a list of points (- key: value ...)");
                    grid = grid with { Include = points.Children.Select((p, i) => Settings(path, p, $"include[{i}]", axis: false)).ToArray() };
                    break;
                case "repeat":
                    grid = grid with { Repeat = Settings(path, value, "repeat", axis: true) };
                    break;
                default:
                    throw new InvalidDataException($"{At(path, keyNode)}: unknown section '{section}' (expected {string.Join(", ", Sections)})");
            }
        }
        if (grid.Fixed.Count + grid.Axes.Count + grid.Include.Count + grid.Repeat.Count == 0)
            throw new InvalidDataException($"{path}: the grid sets nothing (expected fixed:, grid:, include: or repeat:)");
        try
        {
            return new GridFile(path, grid.Validated(), description, table);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException(e.Message);
        }
    }

    private static IReadOnlyList<GridSetting> Settings(string path, YamlNode node, string section, bool axis)
    {
        if (node is YamlScalarNode { Value: null or "" }) return [];
        if (node is not YamlMappingNode mapping) throw new InvalidDataException($"{At(path, node)}: {section}: expects key: value lines");
        var settings = new List<GridSetting>();
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            string key = Scalar(path, keyNode, "key");
            string source = $"{At(path, keyNode)}: {section}.{key}";
            if (!RunSettings.TryGet(key, out var setting))
                throw new InvalidDataException($"{source}: unknown option '{key}' (options: {string.Join(", ", RunSettings.All.Select(s => s.Key))})");
            settings.Add(new GridSetting(setting, Values(path, valueNode, setting, source, axis), source));
        }
        return settings;
    }

    private static IReadOnlyList<string> Values(string path, YamlNode node, RunSetting setting, string source, bool axis)
    {
        switch (node)
        {
            case YamlScalarNode scalar:
                string text = scalar.Value ?? "";
                if (text.Trim().Length == 0) throw new InvalidDataException($"{source}: empty value");
                if (!axis)
                {
                    if (text.Contains(RunSettings.AlternativeSeparator))
                        throw new InvalidDataException($"{source}: '{text}' has alternatives ('|'); a fixed option or include point takes one value (make it an axis under grid:)");
                    return [text.Trim()];
                }
                // Here commas never separate alternatives ('lr: 1e-4,2e-4' is one, bad, value): only '|' and lists do.
                var alternatives = text.Split(RunSettings.AlternativeSeparator, StringSplitOptions.TrimEntries);
                if (alternatives.Any(v => v.Length == 0)) throw new InvalidDataException($"{source}: '{text}' has an empty alternative");
                return alternatives;
            case YamlSequenceNode sequence:
                if (!axis) throw new InvalidDataException($"{source}: a list here is not allowed; a fixed option or include point takes one value");
                if (sequence.Children.Count == 0) throw new InvalidDataException($"{source}: empty axis (give at least one value)");
                if (setting.IsList && sequence.Style == YamlDotNet.Core.Events.SequenceStyle.Flow && sequence.Children.Count > 1)
                    throw new InvalidDataException($"{source}: [a, b] is ambiguous for '{setting.Key}', whose values are comma lists; write alternatives as 'q,k,v | v,o' or as a block list (- q,k,v)");
                var values = new List<string>();
                foreach (var item in sequence.Children)
                {
                    if (item is not YamlScalarNode { Value: { } v } || v.Trim().Length == 0)
                        throw new InvalidDataException($"{source}: each list item must be one non-empty value (line {item.Start.Line})");
                    if (v.Contains(RunSettings.AlternativeSeparator))
                        throw new InvalidDataException($"{source}: item '{v}' mixes '|' alternatives into a list; use one or the other");
                    values.Add(v.Trim());
                }
                return values;
            default:
                throw new InvalidDataException($"{source}: expected a value, a list or 'a | b', got a mapping");
        }
    }

    private static string Scalar(string path, YamlNode node, string what) =>
        node is YamlScalarNode { Value: { } v } ? v : throw new InvalidDataException($"{At(path, node)}: expected a {what}, got a {(node is YamlSequenceNode ? "list" : "mapping")}");

    private static string At(string path, YamlNode node) => $"{path}:{node.Start.Line}";

    private static string OneLine(string s) => s.ReplaceLineEndings(" ").Trim();
}
