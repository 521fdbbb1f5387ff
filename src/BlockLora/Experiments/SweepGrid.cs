namespace BlockLora.Experiments;

/// <summary>
/// The points of a sweep: <see cref="Fixed"/> options, the product of the <see cref="Axes"/> (first axis outermost), and
/// the extra <see cref="Include"/> points (each its own options over the fixed ones). Without axes, the points are the
/// include points, or the fixed point alone when there are none. Every one of those points is then taken once per
/// combination of the <see cref="Repeat"/> axes (the seeds of a comparison whose points are include points, so each
/// point gets its spread without a seed written into every line). Values stay text until a
/// <see cref="SweepConfig"/> applies them, so every error names the value's source.
/// </summary>
public sealed record SweepGrid
{
    public IReadOnlyList<GridSetting> Fixed { get; init; } = [];
    public IReadOnlyList<GridSetting> Axes { get; init; } = [];
    public IReadOnlyList<IReadOnlyList<GridSetting>> Include { get; init; } = [];

    /// <summary>Axes crossed with every point, grid and include alike (<c>repeat: { seed: 1 | 2 | 3 }</c>).</summary>
    public IReadOnlyList<GridSetting> Repeat { get; init; } = [];

    /// <summary>One chosen value per option.</summary>
    public sealed record Choice(GridSetting Option, string Value);

    /// <summary>Checks the structure: one value per fixed and include option, non-empty axes, no option twice, nothing varying that cannot.</summary>
    public SweepGrid Validated()
    {
        foreach (var f in Fixed.Concat(Include.SelectMany(p => p)))
            if (f.Values.Count != 1) throw new ArgumentException($"{f.Source}: a fixed option takes one value, got {f.Values.Count} ({string.Join(" | ", f.Values)}); make it an axis under grid:");
        foreach (var a in Axes.Concat(Repeat))
        {
            if (a.Values.Count == 0) throw new ArgumentException($"{a.Source}: empty axis (give at least one value)");
            if (!a.Setting.CanVary && a.Values.Count > 1) throw new ArgumentException($"{a.Source}: '{a.Key}' is one per sweep; it can be fixed, not varied");
        }
        foreach (var group in Fixed.Concat(Axes).GroupBy(s => s.Key).Where(g => g.Count() > 1))
            throw new ArgumentException($"{group.Last().Source}: '{group.Key}' is already set at {group.First().Source}");
        foreach (var r in Repeat)
            if (Fixed.Concat(Axes).Concat(Include.SelectMany(p => p)).FirstOrDefault(s => s.Key == r.Key) is { } other)
                throw new ArgumentException($"{r.Source}: '{r.Key}' is repeated over every point, so no point may set it (it is set at {other.Source})");
        foreach (var s in Include.SelectMany(p => p).Where(s => !s.Setting.CanVary))
            throw new ArgumentException($"{s.Source}: '{s.Key}' is one per sweep; set it under fixed:, not in an include point");
        foreach (var point in Include)
            foreach (var group in point.GroupBy(s => s.Key).Where(g => g.Count() > 1))
                throw new ArgumentException($"{group.Last().Source}: '{group.Key}' is given twice in one include point");
        return this;
    }

    public IEnumerable<IReadOnlyList<Choice>> Points()
    {
        foreach (var point in UnrepeatedPoints())
            foreach (var repeat in Product(Repeat, 0))
                yield return [.. point, .. repeat];
    }

    private IEnumerable<IReadOnlyList<Choice>> UnrepeatedPoints()
    {
        var fixedChoices = Fixed.Select(f => new Choice(f, f.Values[0])).ToArray();
        if (Axes.Count > 0 || Include.Count == 0)
            foreach (var combination in Product(Axes, 0))
                yield return [.. fixedChoices, .. combination];
        foreach (var point in Include)
        {
            var own = point.Select(s => new Choice(s, s.Values[0])).ToArray();
            yield return [.. fixedChoices.Where(f => own.All(o => o.Option.Key != f.Option.Key)), .. own];
        }
    }

    private static IEnumerable<IReadOnlyList<Choice>> Product(IReadOnlyList<GridSetting> axes, int axis)
    {
        if (axis == axes.Count) { yield return []; yield break; }
        foreach (var value in axes[axis].Values)
            foreach (var rest in Product(axes, axis + 1))
                yield return [new Choice(axes[axis], value), .. rest];
    }

    /// <summary>The keys this grid sets anywhere (fixed, axes, include points or repeat).</summary>
    public IReadOnlySet<string> Keys => Fixed.Concat(Axes).Concat(Include.SelectMany(p => p)).Concat(Repeat).Select(s => s.Key).ToHashSet(StringComparer.Ordinal);
}
