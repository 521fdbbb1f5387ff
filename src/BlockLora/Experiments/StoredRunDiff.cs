using System.Globalization;

namespace BlockLora.Experiments;

/// <summary>What <c>blora results diff</c> prints: the settings two runs differ in, then both runs' accuracies per set.</summary>
public sealed record StoredRunDiff(StoredRunDetails A, StoredRunDetails B, IReadOnlyList<SettingDifference> Differences)
{
    public static StoredRunDiff Of(StoredRunDetails a, StoredRunDetails b)
    {
        var names = RunConfigFields.InDisplayOrder(a.Run.Fields.Concat(b.Run.Fields).Select(f => f.Name));
        var differences = names.Select(n => new SettingDifference(n, a.Run.Value(n), b.Run.Value(n))).Where(d => d.A != d.B).ToArray();
        return new StoredRunDiff(a, b, differences);
    }

    public IEnumerable<string> Format()
    {
        var c = CultureInfo.InvariantCulture;
        string idA = A.Run.ShortId, idB = B.Run.ShortId;
        yield return Differences.Count == 0 ? $"{idA} and {idB}: the same settings" : $"{idA} and {idB} differ in {Differences.Count} setting{(Differences.Count == 1 ? "" : "s")}:";
        foreach (var line in TextColumns.Format(["setting", idA, idB], Differences.Select(d => (IReadOnlyList<string>)[d.Name, d.A ?? "-", d.B ?? "-"])))
            yield return line;
        yield return "accuracy (top-1):";
        var sets = A.Evaluations.Select(e => (e.Dataset, e.Classes)).Concat(B.Evaluations.Select(e => (e.Dataset, e.Classes))).Distinct();
        string Top1(StoredRunDetails d, (string Dataset, string Classes) set) =>
            d.Evaluations.FirstOrDefault(e => e.Dataset == set.Dataset && e.Classes == set.Classes)?.Top1.ToString("F2", c) ?? "-";
        foreach (var line in TextColumns.Format(["dataset", "classes", idA, idB], sets.Select(s => (IReadOnlyList<string>)[s.Dataset, s.Classes, Top1(A, s), Top1(B, s)]), new HashSet<int> { 2, 3 }))
            yield return line;
    }
}
