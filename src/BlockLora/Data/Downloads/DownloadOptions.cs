namespace BlockLora.Data.Downloads;

/// <summary>How hard a <see cref="Downloader"/> tries.</summary>
/// <param name="MaxAttempts">Requests per file before giving up on transient failures (5xx, 408, 429, dropped connections, stalls).</param>
/// <param name="InitialBackoff">Wait before the second attempt; doubled for each later one.</param>
/// <param name="ResponseTimeout">Longest wait for the response headers of one request.</param>
/// <param name="StallTimeout">Longest wait for the next block of the body; a stalled transfer is retried and resumes.</param>
public sealed record DownloadOptions(
    int MaxAttempts = 4,
    TimeSpan? InitialBackoff = null,
    TimeSpan? ResponseTimeout = null,
    TimeSpan? StallTimeout = null)
{
    public TimeSpan Backoff => InitialBackoff ?? TimeSpan.FromSeconds(2);

    public TimeSpan Response => ResponseTimeout ?? TimeSpan.FromSeconds(60);

    public TimeSpan Stall => StallTimeout ?? TimeSpan.FromSeconds(120);
}
