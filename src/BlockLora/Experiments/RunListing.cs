using System.Globalization;
using BlockLora.Adapters;

namespace BlockLora.Experiments;

/// <summary>
/// What <c>blora results list</c> shows: the selected runs, and the settings that vary among them (the fixed ones would
/// repeat on every line and hide the difference that matters).
/// </summary>
public sealed record RunListing(IReadOnlyList<StoredRun> Runs, IReadOnlyList<string> Varying)
{
    /// <summary>Always shown, so not repeated among the varying settings.</summary>
    private static readonly string[] Fixed = ["dataset", "shots", "seed", "method"];

    public static RunListing Of(IReadOnlyList<StoredRun> runs)
    {
        var names = runs.SelectMany(r => r.Fields).Select(f => f.Name).Where(n => !Fixed.Contains(n));
        // A setting a run lacks (a zero-shot run has no rank) is not a difference: its method column already says why.
        var varying = names.Distinct().Where(n => runs.Select(r => r.Value(n)).OfType<string>().Distinct().Skip(1).Any()).ToList();
        // The fingerprint follows the backbone's name; both would only widen the table.
        if (varying.Contains("backbone")) varying.Remove("backbone.fingerprint");
        return new RunListing(runs, RunConfigFields.InDisplayOrder(varying));
    }

    public IEnumerable<string> Format()
    {
        int older = Runs.Count(r => !r.HasId);
        yield return $"{Runs.Count} run{(Runs.Count == 1 ? "" : "s")}"
            + (older > 0 ? $" ({older} written before run ids: listed as (no id), they cannot be shown or compared)" : "");
        if (Runs.Count == 0) yield break;
        string[] header = ["id", "dataset", "shots", "seed", "method", .. Varying, "accuracy", "date"];
        var rows = Runs.Select(r =>
        {
            bool zeroShot = r.Own.Method == AdapterMethod.ZeroShot;
            return (IReadOnlyList<string>)[
                r.ShortId, r.Own.Dataset, zeroShot ? "-" : r.Own.Shots.ToString(CultureInfo.InvariantCulture),
                zeroShot ? "-" : r.Own.Seed.ToString(CultureInfo.InvariantCulture), AdapterMethods.Format(r.Own.Method),
                .. Varying.Select(n => r.Value(n) ?? "-"),
                r.Own.Accuracy.ToString("F2", CultureInfo.InvariantCulture), r.Own.Date.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
            ];
        });
        foreach (var line in TextColumns.Format(header, rows, new HashSet<int> { 2, 3, header.Length - 2 })) yield return line;
    }
}
