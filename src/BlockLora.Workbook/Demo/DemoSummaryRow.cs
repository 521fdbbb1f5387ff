using System.Globalization;
using BlockLora.Adapters;

namespace BlockLora.Workbook.Demo;

/// <summary>
/// One line of the demo's table and chart: a (task, method, n, shots) configuration over its seeds, as a mean with the
/// sample standard deviation (n − 1) and the seed count, the project's way of reporting an accuracy.
/// </summary>
/// <param name="Sd">Sample standard deviation over seeds; null for one seed, where there is no spread to show.</param>
/// <param name="TrainSeconds">Mean over seeds.</param>
public sealed record DemoSummaryRow(string Task, AdapterMethod Method, int Shots, int Blocks, int Iterations, double Mean, double? Sd, int Seeds,
    long TrainableParameters, double TrainSeconds)
{
    public string Label => DemoRow.LabelFor(Method, Blocks);

    /// <summary>Zero-shot neither samples shots nor trains: its accuracy is the same for every seed, so it is run once.</summary>
    public bool Deterministic => Method == AdapterMethod.ZeroShot;

    /// <summary>"44.1 ± 1.2 (n=3)", "44.1 ± — (n=1)", or "31.5 (deterministic)" for zero-shot.</summary>
    public string FormatAccuracy() => Deterministic
        ? string.Create(CultureInfo.InvariantCulture, $"{Mean:F1} (deterministic)")
        : Format(Mean, Sd, Seeds);

    /// <summary>
    /// Mean ± sd (n). One seed shows "—" rather than 0.0: a single run has no measured spread, and a zero would read as a
    /// measured, perfectly stable result.
    /// </summary>
    public static string Format(double mean, double? sd, int seeds) => string.Create(CultureInfo.InvariantCulture,
        $"{mean:F1} ± {(sd is { } s && seeds > 1 ? s.ToString("F1", CultureInfo.InvariantCulture) : "—")} (n={seeds})");

    /// <summary>Sample standard deviation (divides by n − 1, the project's convention); null below two values.</summary>
    public static double? SampleSd(IReadOnlyList<double> values)
    {
        if (values.Count < 2) return null;
        double mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }

    /// <summary>The runs grouped by configuration, in the order their first run appears (the demo's plan order).</summary>
    public static IReadOnlyList<DemoSummaryRow> Summarise(IEnumerable<DemoRow> runs) =>
        runs.GroupBy(r => (r.Task, r.Method, r.Shots, r.Blocks))
            .Select(g =>
            {
                var accuracies = g.Select(r => r.Accuracy).ToArray();
                var first = g.First();
                return new DemoSummaryRow(first.Task, first.Method, first.Shots, first.Blocks, first.Iterations, accuracies.Average(), SampleSd(accuracies),
                    accuracies.Length, first.TrainableParameters, g.Average(r => r.TrainSeconds));
            })
            .ToArray();
}
