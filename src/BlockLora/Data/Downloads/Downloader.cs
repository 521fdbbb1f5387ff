using System.Buffers;
using System.Net;
using System.Net.Http.Headers;

namespace BlockLora.Data.Downloads;

/// <summary>
/// Fetches one URL to one file so that the destination is only ever absent, a previous good copy, or the new
/// verified copy: bytes go to <c>&lt;destination&gt;.partial</c>, an interrupted transfer resumes from there
/// with a Range request, the checksum is checked on the finished partial, and only then is it renamed over
/// the destination. A mismatch deletes the partial, since resuming it again would only repeat the mismatch.
/// </summary>
public sealed class Downloader
{
    public const string PartialSuffix = ".partial";

    private const int BufferSize = 1 << 16;

    private readonly HttpClient http;
    private readonly DownloadOptions options;

    /// <param name="http">Injected so tests can point it at a loopback server and the CLI can share one client.
    /// Its own <see cref="HttpClient.Timeout"/> should be infinite (as from <see cref="CreateHttpClient"/>):
    /// a 37 GB archive takes hours, so time limits here apply per response and per stalled read instead.</param>
    public Downloader(HttpClient http, DownloadOptions? options = null)
    {
        this.http = http;
        this.options = options ?? new DownloadOptions();
        if (this.options.MaxAttempts < 1) throw new ArgumentOutOfRangeException(nameof(options), "MaxAttempts must be at least 1");
    }

    /// <summary>An HttpClient suited to large archives: no automatic decompression (a .tar.gz served with
    /// Content-Encoding: gzip must stay gzip, or its checksum fails), redirects followed (Hugging Face and
    /// Caltech answer with one), no overall timeout.</summary>
    public static HttpClient CreateHttpClient()
    {
        var handler = new SocketsHttpHandler
        {
            AutomaticDecompression = DecompressionMethods.None,
            AllowAutoRedirect = true,
            ConnectTimeout = TimeSpan.FromSeconds(30),
        };
        var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        // Some academic servers refuse requests without a User-Agent.
        client.DefaultRequestHeaders.UserAgent.ParseAdd("BlockLora.Research/1.0");
        return client;
    }

    public async Task<DownloadResult> DownloadAsync(
        DownloadRequest request, IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        string destination = Path.GetFullPath(request.Destination);
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);

        if (File.Exists(destination) && (request.Expected is null || request.Expected.Matches(destination)))
        {
            long length = new FileInfo(destination).Length;
            progress?.Report(new DownloadProgress(length, length));
            return new DownloadResult(destination, Downloaded: false, length);
        }

        string partial = destination + PartialSuffix;
        string lastFailure = "";
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                await TransferAsync(request.Url, destination, partial, progress, cancellationToken);
                break;
            }
            catch (RetryableFailure failure)
            {
                lastFailure = failure.Message;
                if (attempt >= options.MaxAttempts)
                    throw new DownloadException($"{request.Url}: failed after {attempt} attempt(s): {lastFailure}");
            }
            await Task.Delay(options.Backoff * Math.Pow(2, attempt - 1), cancellationToken);
        }

        if (request.Expected is { } expected)
        {
            string actual = expected.Compute(partial);
            if (actual != expected.Hex)
            {
                File.Delete(partial);
                throw new DownloadException(
                    $"{request.Url} -> {destination}: {expected.AlgorithmName} mismatch, expected {expected.Hex}, got {actual}");
            }
        }
        File.Move(partial, destination, overwrite: true);
        return new DownloadResult(destination, Downloaded: true, new FileInfo(destination).Length);
    }

    /// <summary>One request: appends to the partial when the server honours the range, else rewrites it.
    /// Throws <see cref="RetryableFailure"/> for anything worth another attempt.</summary>
    private async Task TransferAsync(
        Uri url, string destination, string partial, IProgress<DownloadProgress>? progress, CancellationToken cancellationToken)
    {
        long existing = File.Exists(partial) ? new FileInfo(partial).Length : 0;
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (existing > 0) request.Headers.Range = new RangeHeaderValue(existing, null);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Response);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RetryableFailure($"no response within {options.Response.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException e)
        {
            throw new RetryableFailure(e.Message);
        }

        using (response)
        {
            int status = (int)response.StatusCode;
            if (status == 416 && existing > 0)
            {
                // The partial may already hold every byte (a crash between the last write and the rename).
                if (response.Content.Headers.ContentRange?.Length == existing) return;
                File.Delete(partial);
                throw new RetryableFailure($"server refused to resume at byte {existing}; starting over");
            }
            if (status >= 500 || status == 408 || status == 429)
                throw new RetryableFailure($"HTTP {status} {response.ReasonPhrase}");
            if (!response.IsSuccessStatusCode)
                throw new DownloadException($"{url}: HTTP {status} {response.ReasonPhrase}");

            bool append = false;
            long? total = response.Content.Headers.ContentLength;
            if (response.StatusCode == HttpStatusCode.PartialContent)
            {
                var range = response.Content.Headers.ContentRange;
                if (existing == 0 || range?.From != existing)
                {
                    File.Delete(partial);
                    throw new RetryableFailure($"server sent bytes {range?.From} onwards when asked for {existing}; starting over");
                }
                append = true;
                total = range.Length;
            }

            long written = append ? existing : 0;
            progress?.Report(new DownloadProgress(written, total));
            byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
            try
            {
                await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
                await using var file = new FileStream(
                    partial, append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, BufferSize, useAsync: true);
                while (true)
                {
                    timeout.CancelAfter(options.Stall);
                    int read;
                    try
                    {
                        read = await body.ReadAsync(buffer.AsMemory(0, BufferSize), timeout.Token);
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                        throw new RetryableFailure($"transfer stalled for {options.Stall.TotalSeconds:0.#} s at byte {written}");
                    }
                    catch (Exception e) when (e is IOException or HttpRequestException)
                    {
                        throw new RetryableFailure($"connection lost at byte {written}: {e.Message}");
                    }
                    if (read == 0) break;
                    try
                    {
                        await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                    }
                    catch (IOException e)
                    {
                        throw new DownloadException($"{destination}: cannot write the download: {e.Message}", e);
                    }
                    written += read;
                    progress?.Report(new DownloadProgress(written, total));
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
            if (total is long expectedLength && written != expectedLength)
                throw new RetryableFailure($"connection closed at byte {written} of {expectedLength}");
        }
    }

    /// <summary>A failure another attempt may cure; the partial file is kept so that attempt resumes.</summary>
    private sealed class RetryableFailure(string message) : Exception(message);
}
