using System.Text.Json;

namespace BlockLora.Workbook.Doctor;

/// <summary>What <c>blora doctor</c> found (<see cref="Facts"/>) and how each self-test went (<see cref="Checks"/>).</summary>
public sealed record DoctorReport(IReadOnlyList<DoctorFact> Facts, IReadOnlyList<DoctorCheck> Checks, double Seconds)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public bool Passed => Checks.Count > 0 && Checks.All(c => c.Passed);

    /// <summary>The facts, one per line, names aligned; then the checks; then <see cref="Verdict"/>.</summary>
    public IEnumerable<string> Lines() => [.. FactLines(Facts), "", .. Checks.Select(Line), Verdict];

    public static IEnumerable<string> FactLines(IReadOnlyList<DoctorFact> facts)
    {
        int width = facts.Count == 0 ? 0 : facts.Max(f => f.Name.Length);
        return facts.Select(fact => $"{fact.Name.PadRight(width)}  {fact.Value}");
    }

    /// <summary>All passed, or which failed; and how long the doctor took.</summary>
    public string Verdict => Passed
        ? $"doctor: all {Checks.Count} checks passed in {Seconds:0.0} s"
        : $"doctor: {Checks.Count(c => !c.Passed)} of {Checks.Count} checks FAILED ({string.Join(", ", Checks.Where(c => !c.Passed).Select(c => c.Name))}) in {Seconds:0.0} s";

    /// <summary><c>PASS  name  measured  (expected ...)</c>: how a check prints as it finishes.</summary>
    public static string Line(DoctorCheck check) => $"{(check.Passed ? "PASS" : "FAIL")}  {check.Name,-22}  {check.Measured}  (expected {check.Expected})";

    /// <summary>facts, checks (name, expected, measured, passed), passed, seconds.</summary>
    public string ToJson() => JsonSerializer.Serialize(new { Facts, Checks, Passed, Seconds }, Json);
}
