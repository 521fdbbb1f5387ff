namespace BlockLora.Data;

/// <summary>
/// The outcome of looking for one dataset under a data root: either where it is, or the first thing
/// missing and how to fix it.
/// </summary>
/// <param name="Location">Set when everything the reader needs is present.</param>
/// <param name="MissingPath">The first missing folder or file, when not present.</param>
/// <param name="Problem">What is wrong with <paramref name="MissingPath"/>.</param>
/// <param name="Fix">What the user should do about it.</param>
public sealed record DatasetCheckResult(DatasetInfo Dataset, DatasetLocation? Location, string? MissingPath, string? Problem, string? Fix)
{
    public bool IsPresent => Location is not null;

    /// <summary>"present" or "missing", for tables.</summary>
    public string Status => IsPresent ? "present" : "missing";

    internal static DatasetCheckResult Present(DatasetLocation location) => new(location.Dataset, location, null, null, null);

    internal static DatasetCheckResult Missing(DatasetInfo dataset, string path, string problem, string fix) => new(dataset, null, path, problem, fix);

    /// <summary>The location, or a <see cref="DatasetLayoutException"/> naming the missing path and the fix.</summary>
    public DatasetLocation EnsurePresent() =>
        Location ?? throw new DatasetLayoutException(MissingPath!, Problem!, Fix);
}
