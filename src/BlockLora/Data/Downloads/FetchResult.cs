namespace BlockLora.Data.Downloads;

/// <summary>What fetching one dataset did (or, in a dry run, would do), and what is left to the user.</summary>
/// <param name="Dataset">Catalog name.</param>
/// <param name="Directory">Absolute dataset folder.</param>
/// <param name="Steps">The plan, in order.</param>
/// <param name="Manual">Instructions still to be followed by hand; empty when the dataset is complete.</param>
/// <param name="DryRun">True when nothing was executed.</param>
public sealed record FetchResult(
    string Dataset,
    string Directory,
    IReadOnlyList<FetchStep> Steps,
    IReadOnlyList<string> Manual,
    bool DryRun)
{
    public bool Complete => Manual.Count == 0;
}
