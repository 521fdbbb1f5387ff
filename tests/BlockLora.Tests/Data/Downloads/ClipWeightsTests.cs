using BlockLora.Data;
using BlockLora.Data.Downloads;

namespace BlockLora.Tests.Data.Downloads;

public class ClipWeightsTests
{
    [Fact]
    public void The_table_rebuilds_openais_urls_exactly()
    {
        // Two URLs copied from openai/CLIP clip/clip.py `_MODELS`.
        Assert.Equal(
            "https://openaipublic.azureedge.net/clip/models/5806e77cd80f8b59890b7e101eabd078d9fb84e6937f9e85e4ecb61988df416f/ViT-B-16.pt",
            ClipWeights.Find("ViT-B/16").Url(ClipWeights.DefaultBaseUrl).ToString());
        Assert.Equal(
            "https://openaipublic.azureedge.net/clip/models/3035c92b350959924f9f00213499208652fc7ea050643e8b385c2dac08641f02/ViT-L-14-336px.pt",
            ClipWeights.Find("ViT-L/14@336px").Url(ClipWeights.DefaultBaseUrl).ToString());
        Assert.Equal(9, ClipWeights.Models.Count);
        Assert.All(ClipWeights.Models, m => Assert.Equal(DigestAlgorithm.Sha256, m.Digest.Algorithm));
    }

    [Theory]
    [InlineData("ViT-B/16")]
    [InlineData("vit-b/16")]
    [InlineData("ViT-B-16")]
    [InlineData("ViT-B-16.pt")]
    public void Models_are_found_by_name_or_file_name(string name) =>
        Assert.Equal("ViT-B-16.pt", ClipWeights.Find(name).FileName);

    [Fact]
    public void An_unknown_model_lists_the_valid_names()
    {
        var e = Assert.Throws<ArgumentException>(() => ClipWeights.Find("ViT-H/14"));
        Assert.Contains("ViT-B/16", e.Message);
        Assert.Contains("RN50", e.Message);
    }

    [Fact]
    public async Task Download_asks_for_the_sha_path_and_enforces_the_sha_from_the_url()
    {
        using var server = new LoopbackServer();
        using var http = Downloader.CreateHttpClient();
        var model = ClipWeights.Find("ViT-B/16");
        server.Serve($"clip/models/{model.Sha256}/{model.FileName}", TestArchives.Utf8("not really a checkpoint"));
        string dir = Fixtures.TempDir();

        var e = await Assert.ThrowsAsync<DownloadException>(() =>
            ClipWeights.DownloadAsync("ViT-B-16", dir, new Downloader(http), server.Url("clip/models").ToString()));

        Assert.Contains(model.Sha256, e.Message);
        Assert.Single(server.Requests);
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir));
    }

    [Fact]
    public async Task A_verified_copy_is_kept_without_network()
    {
        // No server at all: a file whose hash matches must not be fetched again. The real SHA cannot be
        // produced from test bytes, so check the skip through a model-shaped entry of a test's own.
        var fake = new ClipModelFile("Test", "test.pt", TestArchives.Sha256(TestArchives.Utf8("weights")));
        string dir = Fixtures.TempDir();
        await File.WriteAllTextAsync(Path.Combine(dir, "test.pt"), "weights");
        using var http = new HttpClient(new ThrowingHandler());

        var result = await new Downloader(http).DownloadAsync(
            new DownloadRequest(fake.Url("http://127.0.0.1:9/clip/models/"), Path.Combine(dir, fake.FileName), fake.Digest));

        Assert.False(result.Downloaded);
    }
}
