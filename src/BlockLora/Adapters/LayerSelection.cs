using System.Globalization;

namespace BlockLora.Adapters;

/// <summary>
/// Which residual blocks (layer indices, 0-based) get adapters: all of them, or a set written as a
/// list and/or ranges, e.g. <c>0-5</c>, <c>0,3,7</c>, <c>0-3,10-11</c>, applied to every adapted tower;
/// or one such set per tower, <c>text:6-11;vision:12-23</c>, for towers of different depth (CLIP-LoRA's
/// <c>half-up</c> on ViT-L/14 adapts text blocks 6–11 and vision blocks 12–23). Compares by value, so a
/// config holding one stays a value.
/// </summary>
public sealed class LayerSelection : IEquatable<LayerSelection>
{
    private const char EncoderSeparator = ';';
    private const char NameSeparator = ':';

    private readonly int[]? indices;
    // Set only for a per-encoder selection; a part is null when the text does not name that tower.
    private readonly LayerSelection? text, vision;

    private LayerSelection(int[]? indices) => this.indices = indices;

    private LayerSelection(LayerSelection? text, LayerSelection? vision) => (this.text, this.vision) = (text, vision);

    public static LayerSelection All { get; } = new((int[]?)null);

    /// <summary>Every block of every adapted tower (not true for a per-encoder selection, even of all blocks).</summary>
    public bool IsAll => indices is null && !IsPerEncoder;

    /// <summary>True when each tower has its own selection (see <see cref="For"/>).</summary>
    public bool IsPerEncoder => text is not null || vision is not null;

    /// <summary>
    /// The chosen indices in ascending order; empty for <see cref="All"/> and for a per-encoder selection,
    /// whose towers' indices <see cref="For"/> gives.
    /// </summary>
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

    /// <summary>
    /// One selection per tower; a null part leaves that tower unnamed (it may then not be adapted).
    /// Equal parts collapse to the shared form, so each set of adapted blocks has one spelling.
    /// </summary>
    public static LayerSelection PerEncoder(LayerSelection? text, LayerSelection? vision)
    {
        if (text is null && vision is null) throw new ArgumentException("a per-encoder layer selection needs the text or the vision layers");
        if (text?.IsPerEncoder == true || vision?.IsPerEncoder == true)
            throw new ArgumentException("a per-encoder layer selection cannot nest another per-encoder selection");
        if (text is not null && text.Equals(vision)) return text;
        return new LayerSelection(text, vision);
    }

    /// <summary>
    /// Parses <c>all</c> (or an empty string), comma-separated indices and inclusive ranges <c>a-b</c>, or
    /// per tower <c>text:…;vision:…</c> (each part one of the former; either tower may be left out).
    /// </summary>
    public static LayerSelection Parse(string text)
    {
        string trimmed = text.Trim();
        return trimmed.Contains(NameSeparator) ? ParsePerEncoder(trimmed, text) : ParseShared(trimmed, text);
    }

    /// <summary>The selection that applies to <paramref name="encoder"/> (one tower), or null when a per-encoder selection does not name it.</summary>
    public LayerSelection? For(AdapterEncoders encoder)
    {
        if (!IsPerEncoder) return this;
        return encoder switch
        {
            AdapterEncoders.Text => text,
            AdapterEncoders.Vision => vision,
            _ => throw new ArgumentOutOfRangeException(nameof(encoder), encoder, "not a single encoder"),
        };
    }

    /// <summary>The indices this selection picks out of a tower with <paramref name="layerCount"/> blocks; a per-encoder selection needs <see cref="Resolve(AdapterEncoders, int)"/>.</summary>
    public IEnumerable<int> Resolve(int layerCount) => IsPerEncoder
        ? throw new InvalidOperationException($"layer selection '{this}' differs per encoder; resolve it for one encoder")
        : indices ?? Enumerable.Range(0, layerCount);

    /// <summary>The indices this selection picks out of <paramref name="encoder"/>'s <paramref name="layerCount"/> blocks.</summary>
    public IEnumerable<int> Resolve(AdapterEncoders encoder, int layerCount) =>
        (For(encoder) ?? throw new ArgumentException($"layer selection '{this}' names no layers for the {AdapterEncoderNames.Format(encoder)} encoder"))
            .Resolve(layerCount);

    /// <summary>
    /// Canonical text: <c>all</c>, or runs collapsed into ranges (<c>0-5,7</c>), or per tower
    /// <c>text:6-11;vision:12-23</c> (text first); parses back to an equal selection.
    /// </summary>
    public override string ToString()
    {
        if (IsPerEncoder)
        {
            var parts = new List<string>(2);
            if (text is not null) parts.Add($"{AdapterEncoderNames.Format(AdapterEncoders.Text)}{NameSeparator}{text}");
            if (vision is not null) parts.Add($"{AdapterEncoderNames.Format(AdapterEncoders.Vision)}{NameSeparator}{vision}");
            return string.Join(EncoderSeparator, parts);
        }
        if (indices is null) return "all";
        var runs = new List<string>();
        for (int i = 0; i < indices.Length;)
        {
            int j = i;
            while (j + 1 < indices.Length && indices[j + 1] == indices[j] + 1) j++;
            runs.Add(j == i
                ? indices[i].ToString(CultureInfo.InvariantCulture)
                : $"{indices[i].ToString(CultureInfo.InvariantCulture)}-{indices[j].ToString(CultureInfo.InvariantCulture)}");
            i = j + 1;
        }
        return string.Join(",", runs);
    }

    public bool Equals(LayerSelection? other)
    {
        if (other is null) return false;
        if (IsPerEncoder || other.IsPerEncoder)
            return IsPerEncoder && other.IsPerEncoder && Equals(text, other.text) && Equals(vision, other.vision);
        return indices is null ? other.indices is null : other.indices is not null && indices.SequenceEqual(other.indices);
    }

    public override bool Equals(object? obj) => Equals(obj as LayerSelection);

    public override int GetHashCode()
    {
        if (IsPerEncoder) return HashCode.Combine(text, vision, 1);
        if (indices is null) return 0;
        var hash = new HashCode();
        foreach (int i in indices) hash.Add(i);
        return hash.ToHashCode();
    }

    private static LayerSelection ParseShared(string trimmed, string whole)
    {
        if (trimmed.Length == 0 || trimmed.Equals("all", StringComparison.OrdinalIgnoreCase)) return All;
        var layers = new List<int>();
        foreach (var part in trimmed.Split(',', StringSplitOptions.TrimEntries))
        {
            int dash = part.IndexOf('-');
            if (dash > 0)
            {
                int first = ParseIndex(part[..dash], whole), last = ParseIndex(part[(dash + 1)..], whole);
                if (last < first) throw new ArgumentException($"layer range '{part}' in '{whole}' runs backwards");
                layers.AddRange(Enumerable.Range(first, last - first + 1));
            }
            else
            {
                layers.Add(ParseIndex(part, whole));
            }
        }
        return Of(layers);
    }

    private static LayerSelection ParsePerEncoder(string trimmed, string whole)
    {
        LayerSelection? text = null, vision = null;
        foreach (var part in trimmed.Split(EncoderSeparator, StringSplitOptions.TrimEntries))
        {
            int colon = part.IndexOf(NameSeparator);
            if (colon < 0)
                throw new ArgumentException($"'{part}' in layer selection '{whole}' names no encoder (write e.g. text:6-11;vision:12-23)");
            string name = part[..colon].Trim(), layers = part[(colon + 1)..].Trim();
            if (!AdapterEncoderNames.TryParse(name, out var encoder) || encoder is not (AdapterEncoders.Text or AdapterEncoders.Vision))
                throw new ArgumentException($"'{name}' in layer selection '{whole}' is not an encoder (text or vision)");
            // An empty part would read as 'all' and silently widen what the writer meant.
            if (layers.Length == 0)
                throw new ArgumentException($"'{part}' in layer selection '{whole}' gives no layers (write all, a list or a range)");
            if ((encoder == AdapterEncoders.Text ? text : vision) is not null)
                throw new ArgumentException($"layer selection '{whole}' names the {name} encoder twice");
            var selection = ParseShared(layers, whole);
            if (encoder == AdapterEncoders.Text) text = selection; else vision = selection;
        }
        return PerEncoder(text, vision);
    }

    private static int ParseIndex(string part, string whole) =>
        int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int value)
            ? value
            : throw new ArgumentException($"'{part}' in layer selection '{whole}' is not a layer index (use e.g. all, 0-5, 0,3,7 or text:0-5;vision:6-11)");
}
