using System.Globalization;
using BlockLora.Training;

namespace BlockLora.Experiments;

/// <summary>
/// A run's training as its <c>metrics.csv</c> tells it (<see cref="MetricsLog"/>): how far it got, how the loss went,
/// and how fast. <see cref="Damaged"/>: the file goes on past its valid rows (a torn line from a killed run, or worse).
/// </summary>
public sealed record RunMetricsSummary(
    int Rows, int LastIteration, double FirstLoss, double LastLoss, double MinLoss, double FinalBatchAccuracy,
    double MeanImagesPerSecond, double ElapsedSeconds, bool Damaged)
{
    /// <summary>The summary of the run folder's metrics.csv, or null when it has none (runs from before the file existed, zero-shot).</summary>
    public static RunMetricsSummary? Read(string runFolder)
    {
        string path = Path.Combine(runFolder, MetricsLog.FileName);
        if (!File.Exists(path)) return null;
        var rows = MetricsLog.ReadValid(path, out bool damaged);
        if (rows.Count == 0) return new RunMetricsSummary(0, 0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, damaged);
        return new RunMetricsSummary(rows.Count, rows[^1].Iteration, rows[0].Loss, rows[^1].Loss, rows.Min(r => r.Loss),
            rows[^1].BatchAccuracy, rows.Average(r => r.ImagesPerSecond), rows[^1].ElapsedSeconds, damaged);
    }

    public string Format()
    {
        string damage = Damaged ? $"; damaged after iteration {LastIteration} (later lines unreadable)" : "";
        if (Rows == 0) return $"no valid rows{damage}";
        var c = CultureInfo.InvariantCulture;
        return string.Create(c, $"{Rows} rows to iteration {LastIteration}; loss {FirstLoss:G4} first, {LastLoss:G4} last, {MinLoss:G4} min; "
            + $"final batch accuracy {FinalBatchAccuracy:G4}; {MeanImagesPerSecond:F1} images/s mean; {ElapsedSeconds:F1} s elapsed{damage}");
    }
}
