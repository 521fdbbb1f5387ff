using System.Collections.Concurrent;
using System.Diagnostics;
using BlockLora.Imaging;

namespace BlockLora.Data;

/// <summary>
/// Decodes every image of a list through <see cref="ImageDecoder"/>, the decoder training and evaluation use, so a
/// file it passes is one the loader will not skip (truncated JPEG/PNG, corrupt data, a text file named .jpg, an image
/// over the size limits all fail here as they would there). Runs on all the process's cores.
/// </summary>
public static class ImageVerifier
{
    private static readonly TimeSpan ReportEvery = TimeSpan.FromMilliseconds(250);

    /// <summary>The files that failed, by path, with the decoder's one-line reason.</summary>
    /// <param name="progress">Called from one thread at a time, at most every 250 ms and once at the end.</param>
    /// <param name="parallelism">Decoding threads; the process's cores (its affinity mask) by default.</param>
    public static IReadOnlyDictionary<string, string> Verify(IReadOnlyList<string> paths, Action<ImageVerifyProgress>? progress = null,
        int? parallelism = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var failures = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var clock = Stopwatch.StartNew();
        var gate = new object();
        TimeSpan lastReport = TimeSpan.Zero;
        int done = 0;
        var options = new ParallelOptions
        {
            MaxDegreeOfParallelism = parallelism ?? Environment.ProcessorCount,
            CancellationToken = cancellation,
        };
        Parallel.ForEach(paths, options, path =>
        {
            try
            {
                ImageDecoder.Decode(path);
            }
            catch (ImageDecodeException e)
            {
                failures[path] = e.Problem;
            }
            Interlocked.Increment(ref done);
            if (progress is null || clock.Elapsed - lastReport < ReportEvery) return;
            // One report at a time; a thread that finds the gate taken skips its report rather than waiting.
            if (!Monitor.TryEnter(gate)) return;
            try
            {
                if (clock.Elapsed - lastReport < ReportEvery) return;
                lastReport = clock.Elapsed;
                progress(new ImageVerifyProgress(Volatile.Read(ref done), paths.Count, failures.Count, clock.Elapsed));
            }
            finally
            {
                Monitor.Exit(gate);
            }
        });
        progress?.Invoke(new ImageVerifyProgress(paths.Count, paths.Count, failures.Count, clock.Elapsed));
        return failures;
    }
}
