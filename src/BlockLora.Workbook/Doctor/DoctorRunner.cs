using System.Diagnostics;
using BlockLora.Torch;

namespace BlockLora.Workbook.Doctor;

/// <summary>
/// <c>blora doctor</c>: proves a machine's route before hours of training go into it. Lists what the process computes with
/// (<see cref="MachineFacts"/>), then self-tests in seconds on a CPU: parity with PyTorch on the bundled fixture
/// (<see cref="FixtureParity"/>), a Block-LoRA training step, merge and unmerge (<see cref="AdapterSelfTest"/>) and the
/// device's matrix throughput (<see cref="GemmThroughput"/>). A check that throws fails with its message instead of
/// stopping the others.
/// </summary>
public static class DoctorRunner
{
    /// <param name="say">Each line of the text report as soon as it is known (facts first, then each check as it
    /// finishes, then the verdict), so a slow device shows where it is; null for none (<c>--json</c>).</param>
    /// <exception cref="ArgumentException">A device this machine lacks, or a precision it cannot compute in.</exception>
    public static DoctorReport Run(DoctorConfig config, Action<string>? say = null)
    {
        var clock = Stopwatch.StartNew();
        var target = ComputeTarget.Resolve(config.Precision, config.Device);
        var facts = MachineFacts.Gather(config);
        foreach (var line in DoctorReport.FactLines(facts)) say?.Invoke(line);
        say?.Invoke("");
        var checks = new List<DoctorCheck>();
        foreach (var (name, run) in new (string, Func<DoctorConfig, ComputeTarget, IEnumerable<DoctorCheck>>)[]
                 {
                     ("fixture parity", FixtureParity.Run), ("training step", AdapterSelfTest.Run), ("throughput", GemmThroughput.Run),
                 })
        {
            foreach (var check in Guarded(name, () => run(config, target)))
            {
                checks.Add(check);
                say?.Invoke(DoctorReport.Line(check));
            }
        }
        var report = new DoctorReport(facts, checks, clock.Elapsed.TotalSeconds);
        say?.Invoke(report.Verdict);
        return report;
    }

    /// <summary>The group's checks as they come; an exception ends the group with one failed check that names it.</summary>
    private static IEnumerable<DoctorCheck> Guarded(string name, Func<IEnumerable<DoctorCheck>> run)
    {
        using var results = run().GetEnumerator();
        while (true)
        {
            DoctorCheck check;
            try
            {
                if (!results.MoveNext()) yield break;
                check = results.Current;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                check = new DoctorCheck(name, "runs", $"error: {e.Message.ReplaceLineEndings(" ")}", false);
            }
            yield return check;
            if (!check.Passed && check.Measured.StartsWith("error:", StringComparison.Ordinal)) yield break;
        }
    }
}
