using System.Globalization;

namespace BlockLora.Results;

/// <summary>
/// Accuracies of one configuration over its seeds: mean, sample standard deviation (n − 1) and n. With one value there is
/// no spread to show, so <see cref="Sd"/> is null and every view prints "—", never 0.00: a single seed must not read as
/// a measured zero variance.
/// </summary>
public sealed record SeedSpread(double Mean, double? Sd, int N, IReadOnlyList<double> Values)
{
    public static SeedSpread Of(IEnumerable<double> values)
    {
        var v = values.ToArray();
        if (v.Length == 0) throw new ArgumentException("no values to take the spread of");
        double mean = v.Average();
        double? sd = v.Length < 2 ? null : Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1));
        return new SeedSpread(mean, sd, v.Length, v);
    }

    /// <summary>"44.12 ± 1.20 (n=3)", or "44.12 ± — (n=1)".</summary>
    public string Format(int decimals = 2) =>
        $"{Round(Mean, decimals)} ± {(Sd is double s ? Round(s, decimals) : "—")} (n={N})";

    /// <summary>A value rounded as printed (invariant culture, fixed decimals).</summary>
    public static string Round(double value, int decimals = 2) => value.ToString("F" + decimals, CultureInfo.InvariantCulture);
}
