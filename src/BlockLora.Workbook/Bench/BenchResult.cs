namespace BlockLora.Workbook.Bench;

/// <summary>What a benchmark run measured, on which machine, with which settings.</summary>
/// <param name="Machine">CPU, cores, memory, OS, runtimes and thread settings, one fact per line.</param>
/// <param name="TwinStatus">How the twin ran, or the one-line reason it did not.</param>
public sealed record BenchResult(
    BenchConfig Config,
    IReadOnlyList<BenchRow> Rows,
    IReadOnlyList<string> Machine,
    string TwinStatus,
    DateTimeOffset Started,
    double Seconds);
