namespace BlockLora.Workbook.Charts;

/// <summary>The colour range of a heatmap panel, and the colour scale the workbook's annotated heatmaps share.</summary>
public static class HeatmapScale
{
    /// <summary>
    /// How far either side of the mean the colour range reaches at least, as a fraction of the mean. Train time and peak
    /// memory of runs that differ only in r and n often differ by a few percent, which is run-to-run noise on a shared
    /// machine; a range of min..max would paint that noise from the darkest to the lightest colour and read as a finding.
    /// With ±10 % of the mean, a 3 % spread stays within a narrow band of the scale while real differences (accuracy
    /// 35–70 %, parameters 3k–21k) still span it fully.
    /// </summary>
    public const double MinimumRelativeHalfWidth = 0.10;

    /// <summary>
    /// The (zmin, zmax) of a panel: the data's min..max, widened where needed to mean ± <see cref="MinimumRelativeHalfWidth"/>
    /// · |mean| (and to ±0.5 around a mean of zero), never below zero for data that are all non-negative. NaN cells
    /// (missing runs) are ignored; with no finite value the range is (0, 1).
    /// </summary>
    public static (double Min, double Max) ColorRange(IEnumerable<double> values, double relativeHalfWidth = MinimumRelativeHalfWidth)
    {
        var finite = values.Where(double.IsFinite).ToArray();
        if (finite.Length == 0) return (0, 1);
        double min = finite.Min(), max = finite.Max(), mean = finite.Average();
        double half = Math.Abs(mean) > 0 ? relativeHalfWidth * Math.Abs(mean) : 0.5;
        double low = Math.Min(min, mean - half), high = Math.Max(max, mean + half);
        if (min >= 0) low = Math.Max(0, low);
        return (low, high);
    }

    /// <summary>Plotly's YlGnBu (dark blue at the low end), spelled out so the text on each cell can be chosen against the colour it lands on.</summary>
    public static readonly (double At, byte R, byte G, byte B)[] YlGnBu =
    [
        (0.0, 8, 29, 88), (0.125, 37, 52, 148), (0.25, 34, 94, 168), (0.375, 29, 145, 192), (0.5, 65, 182, 196),
        (0.625, 127, 205, 187), (0.75, 199, 233, 180), (0.875, 237, 248, 217), (1.0, 255, 255, 217),
    ];

    /// <summary>The scale's colour at <paramref name="fraction"/> (0..1) of the range, interpolated linearly as plotly.js does.</summary>
    public static (double R, double G, double B) ColorAt(IReadOnlyList<(double At, byte R, byte G, byte B)> scale, double fraction)
    {
        fraction = Math.Clamp(double.IsFinite(fraction) ? fraction : 0, 0, 1);
        for (int i = 1; i < scale.Count; i++)
        {
            if (fraction > scale[i].At) continue;
            var (a, b) = (scale[i - 1], scale[i]);
            double t = b.At == a.At ? 0 : (fraction - a.At) / (b.At - a.At);
            return (a.R + t * (b.R - a.R), a.G + t * (b.G - a.G), a.B + t * (b.B - a.B));
        }
        var last = scale[^1];
        return (last.R, last.G, last.B);
    }

    /// <summary>
    /// White or near-black text for a cell of this colour, by its WCAG relative luminance: 0.18 is where black and white
    /// text have equal contrast (√(1.05 · 0.05) − 0.05), so each cell gets the colour that contrasts more.
    /// </summary>
    public static string TextColorOn((double R, double G, double B) color)
    {
        static double Linear(double c) { c /= 255; return c <= 0.04045 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4); }
        double luminance = 0.2126 * Linear(color.R) + 0.7152 * Linear(color.G) + 0.0722 * Linear(color.B);
        return luminance < 0.18 ? "#ffffff" : "#1a1a1a";
    }

    /// <summary>The scale as plotly.js reads a custom colorscale: [[position, "rgb(r,g,b)"], …].</summary>
    public static object[][] ToPlotly(IReadOnlyList<(double At, byte R, byte G, byte B)> scale) =>
        scale.Select(s => new object[] { s.At, $"rgb({s.R},{s.G},{s.B})" }).ToArray();
}
