namespace BlockLora.Workbook.Bench;

/// <summary>One timed sample of a case on one side: seconds per run and how far resident memory rose above where it started.</summary>
public readonly record struct BenchSample(double Seconds, long PeakDeltaBytes);
