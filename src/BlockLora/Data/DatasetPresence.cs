namespace BlockLora.Data;

/// <summary>
/// The outcome of looking for one dataset's folders and split files under a data root (nothing is read): either where
/// it is, or the first thing missing and how to fix it. <see cref="DatasetReport.Layout"/> carries it.
/// </summary>
/// <param name="Location">Set when everything the reader needs is present.</param>
/// <param name="MissingPath">The first missing folder or file, when not present.</param>
/// <param name="Problem">What is wrong with <paramref name="MissingPath"/>.</param>
/// <param name="Fix">What the user should do about it.</param>
public sealed record DatasetPresence(DatasetInfo Dataset, DatasetLocation? Location, string? MissingPath, string? Problem, string? Fix)
{
    public bool IsPresent => Location is not null;

    internal static DatasetPresence Present(DatasetLocation location) => new(location.Dataset, location, null, null, null);

    internal static DatasetPresence Missing(DatasetInfo dataset, string path, string problem, string fix) => new(dataset, null, path, problem, fix);

    /// <summary>The location, or a <see cref="DatasetLayoutException"/> naming the missing path and the fix.</summary>
    public DatasetLocation EnsurePresent() =>
        Location ?? throw new DatasetLayoutException(MissingPath!, Problem!, Fix);
}
