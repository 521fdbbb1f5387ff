using System.Globalization;

namespace BlockLora.Workbook.Bench;

/// <summary>
/// What a method's training step should reach against its baseline row (the targets set for the LoRA family): a
/// step time at most <see cref="MaxTimeRatio"/> × the baseline's and, with <see cref="LowerPeak"/>, a smaller peak
/// memory. The report shows it beside the measured ratios as information; no test asserts it (timings are the output).
/// </summary>
/// <param name="Baseline">The baseline's display name, e.g. "LoRA".</param>
public sealed record BenchTarget(string Baseline, double MaxTimeRatio, bool LowerPeak = false)
{
    public string Text =>
        string.Create(CultureInfo.InvariantCulture, $"step ≤ {MaxTimeRatio:0.0#} × {Baseline}") + (LowerPeak ? $", peak < {Baseline}" : "");

    /// <summary>Whether the measured ratios meet it; null when a needed ratio was not measured.</summary>
    public bool? IsMet(double? timeRatio, double? peakRatio)
    {
        if (timeRatio is not { } time || LowerPeak && peakRatio is null) return null;
        return time <= MaxTimeRatio && (!LowerPeak || peakRatio < 1);
    }
}
