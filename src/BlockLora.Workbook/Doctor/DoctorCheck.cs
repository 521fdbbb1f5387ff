namespace BlockLora.Workbook.Doctor;

/// <summary>One self-test result: what was expected, what was measured, and whether that passes.</summary>
/// <param name="Name">Short and stable (<c>fixture parity fp32</c>), so scripts and tests can find a check by name.</param>
public sealed record DoctorCheck(string Name, string Expected, string Measured, bool Passed);
