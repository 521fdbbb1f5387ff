using System.Globalization;

namespace BlockLora.Adapters;

/// <summary>
/// Which residual blocks (layer indices, 0-based) get adapters: all of them, or a set written as a
/// list and/or ranges, e.g. <c>0-5</c>, <c>0,3,7</c>, <c>0-3,10-11</c>. Compares by value, so a config
/// holding one stays a value.
/// </summary>
public sealed class LayerSelection : IEquatable<LayerSelection>
{
    private readonly int[]? indices;

    private LayerSelection(int[]? indices) => this.indices = indices;

    public static LayerSelection All { get; } = new(null);

    public bool IsAll => indices is null;

    /// <summary>The chosen indices in ascending order; empty for <see cref="All"/>.</summary>
    public IReadOnlyList<int> Indices => indices ?? [];

    public static LayerSelection Of(IEnumerable<int> layers)
    {
        var sorted = layers.Distinct().Order().ToArray();
        if (sorted.Length == 0) throw new ArgumentException("a layer selection needs at least one layer (or 'all')");
        if (sorted[0] < 0) throw new ArgumentException($"layer index {sorted[0]} is negative");
        return new LayerSelection(sorted);
    }

    public static LayerSelection Range(int first, int last)
    {
        if (last < first) throw new ArgumentException($"layer range {first}-{last} is empty");
        return Of(Enumerable.Range(first, last - first + 1));
    }

    /// <summary>Parses <c>all</c> (or an empty string), or comma-separated indices and inclusive ranges <c>a-b</c>.</summary>
    public static LayerSelection Parse(string text)
    {
        string trimmed = text.Trim();
        if (trimmed.Length == 0 || trimmed.Equals("all", StringComparison.OrdinalIgnoreCase)) return All;
        var layers = new List<int>();
        foreach (var part in trimmed.Split(',', StringSplitOptions.TrimEntries))
        {
            int dash = part.IndexOf('-');
            if (dash > 0)
            {
                int first = ParseIndex(part[..dash], text), last = ParseIndex(part[(dash + 1)..], text);
                if (last < first) throw new ArgumentException($"layer range '{part}' in '{text}' runs backwards");
                layers.AddRange(Enumerable.Range(first, last - first + 1));
            }
            else
            {
                layers.Add(ParseIndex(part, text));
            }
        }
        return Of(layers);
    }

    /// <summary>The indices this selection picks out of a tower with <paramref name="layerCount"/> blocks.</summary>
    public IEnumerable<int> Resolve(int layerCount) => indices ?? Enumerable.Range(0, layerCount);

    /// <summary>Canonical text: <c>all</c>, or runs collapsed into ranges (<c>0-5,7</c>); parses back to an equal selection.</summary>
    public override string ToString()
    {
        if (indices is null) return "all";
        var parts = new List<string>();
        for (int i = 0; i < indices.Length;)
        {
            int j = i;
            while (j + 1 < indices.Length && indices[j + 1] == indices[j] + 1) j++;
            parts.Add(j == i
                ? indices[i].ToString(CultureInfo.InvariantCulture)
                : $"{indices[i].ToString(CultureInfo.InvariantCulture)}-{indices[j].ToString(CultureInfo.InvariantCulture)}");
            i = j + 1;
        }
        return string.Join(",", parts);
    }

    public bool Equals(LayerSelection? other) =>
        other is not null && (indices is null ? other.indices is null : other.indices is not null && indices.SequenceEqual(other.indices));

    public override bool Equals(object? obj) => Equals(obj as LayerSelection);

    public override int GetHashCode()
    {
        if (indices is null) return 0;
        var hash = new HashCode();
        foreach (int i in indices) hash.Add(i);
        return hash.ToHashCode();
    }

    private static int ParseIndex(string part, string whole) =>
        int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int value)
            ? value
            : throw new ArgumentException($"'{part}' in layer selection '{whole}' is not a layer index (use e.g. all, 0-5 or 0,3,7)");
}
