namespace BlockLora.Experiments;

/// <summary>
/// One option of a run, by the name <c>blora train</c> gives it (without the dashes): how its text sets a
/// <see cref="RunSpec"/>, what <c>--help</c> says, and its default. The CLI's options, the keys of a sweep's grid file and
/// the axes of a sweep are these, so one name means one thing everywhere.
/// </summary>
public sealed record RunSetting
{
    /// <summary>The option's name: <c>lr</c> is <c>--lr</c> on the command line and <c>lr:</c> in a grid file.</summary>
    public required string Key { get; init; }
    public required string Description { get; init; }
    /// <summary>The value a run gets when nothing sets it; null for what must be given (model, data root, dataset).</summary>
    public string? Default { get; init; }
    /// <summary>Sets the value on a spec; throws <see cref="ArgumentException"/> with a one-line reason for a bad value.</summary>
    public required Func<RunSpec, string, RunSpec> Apply { get; init; }
    /// <summary>
    /// Whether one value is itself a comma-separated list (targets <c>q,k,v</c>, layers <c>0,3,7</c>): then only <c>|</c>
    /// separates alternatives; for every other option <c>,</c> does too.
    /// </summary>
    public bool IsList { get; init; }
    /// <summary>Whether a sweep may vary it; the results folder and the data root are one per sweep.</summary>
    public bool CanVary { get; init; } = true;
    /// <summary>
    /// Settings that this one makes unused when given (the total <c>iterations</c> overrides the per-shot count and the
    /// base), so a command line giving both is refused (<see cref="RunSettings.RefuseExcluded"/>) instead of silently
    /// dropping one.
    /// </summary>
    public IReadOnlyList<string> Excludes { get; init; } = [];
}
