using MathNet.Numerics.Distributions;

namespace BlockLora.Workbook.Tables;

/// <summary>
/// The mean of paired differences (e.g. Block-LoRA − LoRA on the same dataset, shots and seed) with a two-sided 95 %
/// Student-t interval: mean ± t(0.975, n − 1) · sd / √n. Pairs, not two independent means, because the seed fixes the
/// few-shot sample both methods train on, and the dataset fixes the difficulty: pairing removes both from the noise.
/// With fewer than 2 pairs there is no interval.
/// </summary>
public sealed record PairedDifference(string Label, double Mean, double? Sd, int Pairs, double? Low, double? High)
{
    public const double Confidence = 0.95;

    public static PairedDifference Of(string label, IReadOnlyList<double> differences)
    {
        if (differences.Count == 0) return new PairedDifference(label, double.NaN, null, 0, null, null);
        double mean = differences.Average();
        if (differences.Count < 2) return new PairedDifference(label, mean, null, 1, null, null);
        double sd = Math.Sqrt(differences.Sum(d => (d - mean) * (d - mean)) / (differences.Count - 1));
        double half = StudentT.InvCDF(0, 1, differences.Count - 1, 1 - (1 - Confidence) / 2) * sd / Math.Sqrt(differences.Count);
        return new PairedDifference(label, mean, sd, differences.Count, mean - half, mean + half);
    }

    /// <summary>Whether the interval excludes zero (the difference is told apart from noise at this level).</summary>
    public bool Excludes0 => Low is double l && High is double h && (l > 0 || h < 0);

    /// <summary>"+1.23 points, 95 % CI [−0.40, +2.86] (t, 6 pairs)".</summary>
    public string Format() => Pairs == 0 ? $"{Label}: no pairs"
        : Low is null ? $"{Label}: {Signed(Mean)} points (1 pair: no interval)"
        : $"{Label}: {Signed(Mean)} points, 95 % CI [{Signed(Low.Value)}, {Signed(High!.Value)}] (Student t, {Pairs} pairs){(Excludes0 ? "" : "; the interval includes 0")}";

    private static string Signed(double v) => (v >= 0 ? "+" : "−") + Math.Abs(v).ToString("F2", System.Globalization.CultureInfo.InvariantCulture);
}
