namespace BlockLora.Data.Downloads;

/// <summary>
/// Blocking entry points for the CLI's <c>data fetch</c> verb, over the built-in catalog and a shared HttpClient.
/// Tests and mirrors use <see cref="DatasetFetcher"/> directly with their own catalog and client.
/// </summary>
public static class DatasetFetchers
{
    /// <summary>Names accepted by <see cref="Fetch"/>, besides "all".</summary>
    public static IReadOnlyList<string> Names { get; } = DatasetSources.All.Select(d => d.Name).ToList();

    /// <summary>Fetches one dataset, or every one when <paramref name="name"/> is "all", into the CoOp layout under
    /// <paramref name="root"/>. With <paramref name="dryRun"/> it only lists the steps (no network, no writes).
    /// Steps that need a person (accounts, Google Drive) are logged and returned, not thrown.</summary>
    /// <exception cref="ArgumentException">Unknown dataset name.</exception>
    /// <exception cref="DownloadException">A download, checksum or archive failed (one line).</exception>
    public static IReadOnlyList<FetchResult> Fetch(string name, string root, bool dryRun, Action<string> log, bool keepArchives = false)
    {
        var fetcher = new DatasetFetcher(new Downloader(SharedHttp.Client), DatasetSources.All, new FetchOptions(keepArchives));
        return fetcher.FetchManyAsync(name, root, dryRun, log).GetAwaiter().GetResult();
    }
}
