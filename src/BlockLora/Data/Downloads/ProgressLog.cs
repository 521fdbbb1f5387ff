using System.Diagnostics;

namespace BlockLora.Data.Downloads;

/// <summary>
/// Turns download progress into a log line every few seconds and one at the end, rather than one per block
/// (a 37 GB archive arrives in over half a million blocks). Reports arrive synchronously on the downloading
/// thread, unlike <see cref="Progress{T}"/>, which posts them to the thread pool out of order.
/// </summary>
public sealed class ProgressLog(Action<string> log, TimeSpan? interval = null) : IProgress<DownloadProgress>
{
    private readonly TimeSpan interval = interval ?? TimeSpan.FromSeconds(5);
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private TimeSpan? last;

    public void Report(DownloadProgress value)
    {
        bool done = value.Total is long t && value.Bytes >= t;
        if (!done && last is { } previous && clock.Elapsed - previous < interval) return;
        last = clock.Elapsed;
        string of = value.Total is long total && total > 0 ? $" of {Size(total)} ({100.0 * value.Bytes / total:0}%)" : "";
        log($"    {Size(value.Bytes)}{of}");
    }

    /// <summary>Bytes as MiB or GiB with one decimal.</summary>
    public static string Size(long bytes) =>
        bytes >= 1L << 30 ? $"{bytes / (double)(1L << 30):0.0} GiB" : $"{bytes / (double)(1L << 20):0.0} MiB";
}
