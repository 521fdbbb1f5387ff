using System.Globalization;
using BlockLora.Adapters;

namespace BlockLora.Experiments;

/// <summary>
/// An option of a sweep with its values as written (one for a fixed option, the alternatives of an axis) and where they
/// were written (<c>experiments/targets.yaml:7: grid.targets</c>, <c>--lr</c>), so a bad value is reported at its source.
/// </summary>
public sealed record GridSetting(RunSetting Setting, IReadOnlyList<string> Values, string Source)
{
    public string Key => Setting.Key;

    /// <summary>An axis (or, with one value, a fixed option) from typed values: numbers in invariant culture, methods by their CLI names.</summary>
    public static GridSetting Of<T>(string key, IEnumerable<T> values, string? source = null) where T : notnull =>
        new(RunSettings.Get(key), values.Select(v => Format(v)).ToArray(), source ?? key);

    private static string Format(object value) => value switch
    {
        AdapterMethod method => AdapterMethods.Format(method),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString()!,
    };
}
