using System.Globalization;
using Microsoft.FSharp.Core;
using Plotly.NET;
using Plotly.NET.TraceObjects;

namespace BlockLora.Workbook.Charts;

/// <summary>
/// The project's convention for showing accuracies over seeds: error bars are ±1 sample standard deviation (n − 1), a
/// point of one seed draws none, and the subtitle says how many seeds each point averages.
/// </summary>
public static class SpreadLabels
{
    /// <summary>"mean ± sd over 3 seeds", "one seed (no spread)", or "n = 1–3 seeds per point" when points differ.</summary>
    public static string Label(IEnumerable<int> seedsPerPoint)
    {
        var counts = seedsPerPoint.Where(n => n > 0).Distinct().Order().ToArray();
        if (counts.Length == 0) return "no runs yet";
        if (counts.Length > 1) return string.Create(CultureInfo.InvariantCulture, $"mean ± sd, n = {counts[0]}–{counts[^1]} seeds per point");
        return counts[0] == 1 ? "one seed (no spread)" : string.Create(CultureInfo.InvariantCulture, $"mean ± sd over {counts[0]} seeds");
    }

    /// <summary>The seed label, then the caller's subtitle (a chart's subtitle always says its seed count).</summary>
    public static string Subtitle(IEnumerable<int> seedsPerPoint, string? subtitle) =>
        subtitle is null or "" ? Label(seedsPerPoint) : $"{Label(seedsPerPoint)}; {subtitle}";

    /// <summary>
    /// The bar half-lengths for points with these spreads: null (no bar; plotly.js skips a non-number) where a point has
    /// one seed or no sd, so a single run never shows a zero-length bar that reads as "no variation measured".
    /// </summary>
    public static double?[] BarLengths(IEnumerable<(double? Sd, int Seeds)> points) =>
        points.Select(p => p.Seeds > 1 && p.Sd is { } sd && double.IsFinite(sd) ? sd : (double?)null).ToArray();

    /// <summary>Sets symmetric <c>error_y</c> bars of <paramref name="lengths"/> on every trace of <paramref name="chart"/> (one-trace charts).</summary>
    public static GenericChart WithErrorY(GenericChart chart, IReadOnlyList<double?> lengths, string? color = null) => WithError(chart, "error_y", lengths, color);

    /// <summary>Sets symmetric <c>error_x</c> bars (a scatter whose x is a mean over seeds too, as base accuracy against new).</summary>
    public static GenericChart WithErrorX(GenericChart chart, IReadOnlyList<double?> lengths, string? color = null) => WithError(chart, "error_x", lengths, color);

    private static GenericChart WithError(GenericChart chart, string axis, IReadOnlyList<double?> lengths, string? color)
    {
        if (lengths.All(l => l is null)) return chart;
        return GenericChart.mapTrace(FuncConvert.FromFunc<Trace, Trace>(t =>
        {
            // Set as dynamic properties: Error.init takes its dozen options positionally from C#.
            var error = new Error();
            error.SetProperty("type", "data");
            error.SetProperty("symmetric", true);
            error.SetProperty("array", lengths.ToArray());
            error.SetProperty("visible", true);
            error.SetProperty("thickness", 1.5);
            error.SetProperty("width", 4);
            if (color is not null) error.SetProperty("color", color);
            t.SetProperty(axis, error);
            return t;
        }), chart);
    }
}
