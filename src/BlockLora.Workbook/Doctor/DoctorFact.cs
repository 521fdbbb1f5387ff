namespace BlockLora.Workbook.Doctor;

/// <summary>One line of what the doctor found before testing: the device, the precision auto picks, a native library.</summary>
public sealed record DoctorFact(string Name, string Value);
