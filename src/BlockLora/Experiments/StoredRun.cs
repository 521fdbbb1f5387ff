using BlockLora.Results;

namespace BlockLora.Experiments;

/// <summary>
/// One run as a results folder holds it: its own row (its own dataset and half), the rows it wrote for other datasets
/// and for the new half, and its settings. <see cref="Id"/> is empty for a row written before runs had identities: such
/// a run is listed but cannot be looked up.
/// </summary>
public sealed record StoredRun(string Id, RunRecord Own, IReadOnlyList<RunRecord> Rows, IReadOnlyList<RunConfigField> Fields)
{
    public bool HasId => Id.Length > 0;

    /// <summary>The id as run folders spell it (<see cref="RunIdentity.ShortId"/>), or "(no id)".</summary>
    public string ShortId => HasId ? Id[..12] : "(no id)";

    /// <summary>The value of the field called <paramref name="nameOrPath"/> (option name or dotted path), or null when the run has none.</summary>
    public string? Value(string nameOrPath) =>
        Fields.FirstOrDefault(f => f.Name == nameOrPath || f.Path == nameOrPath)?.Value;
}
