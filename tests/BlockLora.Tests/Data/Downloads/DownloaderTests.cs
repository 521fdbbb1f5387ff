using BlockLora.Data;
using BlockLora.Data.Downloads;
using static BlockLora.Tests.Data.Downloads.LoopbackServer;

namespace BlockLora.Tests.Data.Downloads;

public sealed class DownloaderTests : IDisposable
{
    private static readonly DownloadOptions Fast = new(
        MaxAttempts: 3, InitialBackoff: TimeSpan.FromMilliseconds(5), ResponseTimeout: TimeSpan.FromSeconds(10), StallTimeout: TimeSpan.FromSeconds(10));

    private readonly LoopbackServer server = new();
    private readonly HttpClient http = Downloader.CreateHttpClient();
    private readonly string dir = Fixtures.TempDir();
    private readonly byte[] content = TestArchives.Random(300_000);

    public void Dispose()
    {
        http.Dispose();
        server.Dispose();
    }

    private string Dest => Path.Combine(dir, "sub", "file.bin");

    private Downloader Make(DownloadOptions? options = null) => new(http, options ?? Fast);

    private Task<DownloadResult> Get(FileDigest? digest, DownloadOptions? options = null, IProgress<DownloadProgress>? progress = null) =>
        Make(options).DownloadAsync(new DownloadRequest(server.Url("file.bin"), Dest, digest), progress);

    [Fact]
    public async Task Downloads_verifies_the_sha256_and_reports_progress()
    {
        server.Serve("file.bin", content);
        var progress = new ProgressRecorder();
        var result = await Get(FileDigest.Sha256(TestArchives.Sha256(content)), progress: progress);

        Assert.True(result.Downloaded);
        Assert.Equal(content, await File.ReadAllBytesAsync(Dest));
        Assert.False(File.Exists(Dest + Downloader.PartialSuffix));
        Assert.Equal(new DownloadProgress(content.Length, content.Length), progress.Reports[^1]);
        Assert.True(progress.Reports.Count > 2, "progress is reported while the body arrives");
    }

    [Fact]
    public async Task A_sha256_mismatch_is_one_line_and_leaves_no_file()
    {
        server.Serve("file.bin", content);
        string wrong = new('a', 64);
        var e = await Assert.ThrowsAsync<DownloadException>(() => Get(FileDigest.Sha256(wrong)));

        Assert.DoesNotContain('\n', e.Message);
        Assert.Contains(server.Url("file.bin").ToString(), e.Message);
        Assert.Contains(wrong, e.Message);
        Assert.Contains(TestArchives.Sha256(content), e.Message);
        Assert.False(File.Exists(Dest));
        Assert.False(File.Exists(Dest + Downloader.PartialSuffix));
    }

    [Fact]
    public async Task A_mismatch_keeps_the_previous_destination_untouched()
    {
        server.Serve("file.bin", content);
        Directory.CreateDirectory(Path.GetDirectoryName(Dest)!);
        await File.WriteAllTextAsync(Dest, "old copy");
        await Assert.ThrowsAsync<DownloadException>(() => Get(FileDigest.Sha256(new string('b', 64))));
        Assert.Equal("old copy", await File.ReadAllTextAsync(Dest));
    }

    [Fact]
    public async Task A_partial_file_is_resumed_with_a_range_request()
    {
        server.Serve("file.bin", content);
        Directory.CreateDirectory(Path.GetDirectoryName(Dest)!);
        await File.WriteAllBytesAsync(Dest + Downloader.PartialSuffix, content[..100_000]);
        var progress = new ProgressRecorder();

        await Get(FileDigest.Sha256(TestArchives.Sha256(content)), progress: progress);

        Assert.Equal(content, await File.ReadAllBytesAsync(Dest));
        var request = Assert.Single(server.Requests);
        Assert.Equal("bytes=100000-", request.Range);
        Assert.Equal(100_000, progress.Reports[0].Bytes);
    }

    [Fact]
    public async Task A_dropped_connection_is_retried_from_where_it_stopped()
    {
        server.Serve("file.bin", content, fault: n => n == 0 ? Fault.DropAfter(120_000) : Fault.None);

        await Get(FileDigest.Sha256(TestArchives.Sha256(content)));

        Assert.Equal(content, await File.ReadAllBytesAsync(Dest));
        var requests = server.Requests;
        Assert.Equal(2, requests.Count);
        Assert.Null(requests[0].Range);
        Assert.NotNull(requests[1].Range);
        Assert.NotEqual("bytes=0-", requests[1].Range);
    }

    [Fact]
    public async Task A_server_without_range_support_restarts_from_zero()
    {
        server.Serve("file.bin", content, supportsRanges: false);
        Directory.CreateDirectory(Path.GetDirectoryName(Dest)!);
        await File.WriteAllBytesAsync(Dest + Downloader.PartialSuffix, TestArchives.Random(50_000, seed: 9));

        await Get(FileDigest.Sha256(TestArchives.Sha256(content)));

        Assert.Equal(content, await File.ReadAllBytesAsync(Dest));
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task A_complete_partial_answered_with_416_is_finished_without_refetching()
    {
        server.Serve("file.bin", content);
        Directory.CreateDirectory(Path.GetDirectoryName(Dest)!);
        await File.WriteAllBytesAsync(Dest + Downloader.PartialSuffix, content);

        var result = await Get(FileDigest.Sha256(TestArchives.Sha256(content)));

        Assert.True(result.Downloaded);
        Assert.Equal(content, await File.ReadAllBytesAsync(Dest));
        Assert.Equal($"bytes={content.Length}-", Assert.Single(server.Requests).Range);
    }

    [Fact]
    public async Task An_existing_file_with_the_right_hash_is_kept_without_a_request()
    {
        server.Serve("file.bin", content);
        Directory.CreateDirectory(Path.GetDirectoryName(Dest)!);
        await File.WriteAllBytesAsync(Dest, content);

        var result = await Get(FileDigest.Sha256(TestArchives.Sha256(content)));

        Assert.False(result.Downloaded);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task An_existing_file_with_the_wrong_hash_is_replaced()
    {
        server.Serve("file.bin", content);
        Directory.CreateDirectory(Path.GetDirectoryName(Dest)!);
        await File.WriteAllTextAsync(Dest, "truncated");

        var result = await Get(FileDigest.Sha256(TestArchives.Sha256(content)));

        Assert.True(result.Downloaded);
        Assert.Equal(content, await File.ReadAllBytesAsync(Dest));
    }

    [Fact]
    public async Task Md5_checksums_are_verified_too()
    {
        server.Serve("file.bin", content);
        string md5 = Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(content));
        await Get(FileDigest.Md5(md5));
        Assert.Equal(content, await File.ReadAllBytesAsync(Dest));
        File.Delete(Dest);
        var e = await Assert.ThrowsAsync<DownloadException>(() => Get(FileDigest.Md5(new string('0', 32))));
        Assert.Contains("MD5 mismatch", e.Message);
    }

    [Fact]
    public async Task A_404_fails_at_once_with_one_line()
    {
        var e = await Assert.ThrowsAsync<DownloadException>(() => Get(null));

        Assert.DoesNotContain('\n', e.Message);
        Assert.Contains("404", e.Message);
        Assert.Contains(server.Url("file.bin").ToString(), e.Message);
        Assert.Single(server.Requests);
        Assert.False(File.Exists(Dest));
    }

    [Fact]
    public async Task A_500_is_retried_then_fails_with_one_line()
    {
        server.Serve("file.bin", content, fault: _ => Fault.Status(500));
        var e = await Assert.ThrowsAsync<DownloadException>(() => Get(null));

        Assert.DoesNotContain('\n', e.Message);
        Assert.Contains("500", e.Message);
        Assert.Contains("3 attempt", e.Message);
        Assert.Equal(3, server.RequestCount("/file.bin"));
        Assert.False(File.Exists(Dest));
    }

    [Fact]
    public async Task A_503_then_success_recovers()
    {
        server.Serve("file.bin", content, fault: n => n < 2 ? Fault.Status(503) : Fault.None);
        await Get(FileDigest.Sha256(TestArchives.Sha256(content)));
        Assert.Equal(content, await File.ReadAllBytesAsync(Dest));
        Assert.Equal(3, server.RequestCount("/file.bin"));
    }

    [Fact]
    public async Task A_stalled_transfer_times_out_and_the_next_attempt_resumes()
    {
        server.Serve("file.bin", content, fault: n => n == 0 ? Fault.StallAfter(64_000, TimeSpan.FromSeconds(5)) : Fault.None);
        var options = Fast with { StallTimeout = TimeSpan.FromMilliseconds(300) };

        await Get(FileDigest.Sha256(TestArchives.Sha256(content)), options);

        Assert.Equal(content, await File.ReadAllBytesAsync(Dest));
        Assert.Equal(2, server.Requests.Count);
        Assert.NotNull(server.Requests[1].Range);
    }

    [Fact]
    public async Task Giving_up_keeps_the_partial_for_a_later_resume()
    {
        server.Serve("file.bin", content, fault: _ => Fault.DropAfter(10_000));
        var e = await Assert.ThrowsAsync<DownloadException>(() => Get(null, Fast with { MaxAttempts = 2 }));

        Assert.Contains("2 attempt", e.Message);
        Assert.False(File.Exists(Dest));
        Assert.True(new FileInfo(Dest + Downloader.PartialSuffix).Length > 0);
    }

    [Fact]
    public void Progress_is_logged_at_the_start_then_throttled_and_always_at_the_end()
    {
        var lines = new List<string>();
        var progress = new ProgressLog(lines.Add, TimeSpan.FromHours(1));
        for (long bytes = 0; bytes <= 3L << 30; bytes += 1 << 20) progress.Report(new DownloadProgress(bytes, 3L << 30));

        Assert.Equal(["    0.0 MiB of 3.0 GiB (0%)", "    3.0 GiB of 3.0 GiB (100%)"], lines);
    }
}
