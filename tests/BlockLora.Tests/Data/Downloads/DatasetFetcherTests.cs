using BlockLora.Data;
using BlockLora.Data.Downloads;
using static BlockLora.Tests.Data.Downloads.TestArchives;

namespace BlockLora.Tests.Data.Downloads;

public sealed class DatasetFetcherTests : IDisposable
{
    private static readonly DownloadOptions Fast = new(MaxAttempts: 2, InitialBackoff: TimeSpan.FromMilliseconds(5));

    private readonly LoopbackServer server = new();
    private readonly HttpClient http = Downloader.CreateHttpClient();
    private readonly string root = Path.Combine(Fixtures.TempDir(), "data");
    private readonly List<string> log = [];

    public void Dispose()
    {
        http.Dispose();
        server.Dispose();
    }

    private static DatasetSource Real(string name) => DatasetSources.Find(DatasetSources.All, name);

    /// <summary>The real catalog entry with each file's URL pointed at the loopback server and its checksum
    /// replaced by the test archive's.</summary>
    private DatasetSource Served(string name, params (string File, byte[] Bytes)[] archives)
    {
        var source = Real(name);
        var files = source.Files.Select(f =>
        {
            var match = archives.FirstOrDefault(a => a.File == f.FileName);
            if (match.Bytes is null) return f;
            server.Serve(f.FileName, match.Bytes);
            return f with { Url = server.Url(f.FileName).ToString(), Digest = FileDigest.Sha256(Sha256(match.Bytes)) };
        }).ToList();
        return source with { Files = files };
    }

    private DatasetFetcher Fetcher(params DatasetSource[] catalog) => new(new Downloader(http, Fast), catalog);

    private static byte[] FakeDtd() => TarGz(
    [
        ("dtd/images/banded/banded_0001.jpg", Utf8("banded-1")),
        ("dtd/images/zigzagged/zigzagged_0001.jpg", Utf8("zigzag-1")),
        ("dtd/labels/train1.txt", Utf8("banded/banded_0001.jpg\n")),
        ("dtd/imdb/imdb.mat", Random(100)),
    ]);

    [Fact]
    public async Task A_served_dtd_archive_ends_in_the_coop_layout()
    {
        var fetcher = Fetcher(Served("DTD", ("dtd-r1.0.1.tar.gz", FakeDtd())));

        var result = await fetcher.FetchAsync("dtd", root, dryRun: false, log.Add);

        string dtd = Path.Combine(root, "dtd");
        Assert.Equal(dtd, result.Directory);
        Assert.Equal("banded-1", File.ReadAllText(Path.Combine(dtd, "images", "banded", "banded_0001.jpg")));
        Assert.Equal("zigzag-1", File.ReadAllText(Path.Combine(dtd, "images", "zigzagged", "zigzagged_0001.jpg")));
        Assert.True(File.Exists(Path.Combine(dtd, "labels", "train1.txt")));
        Assert.True(File.Exists(Path.Combine(dtd, "imdb", "imdb.mat")));
        // Staging and the downloaded archive are cleaned up; only the dataset folder and archives/ remain.
        Assert.False(Directory.Exists(Path.Combine(root, DatasetFetcher.StagingFolder)));
        Assert.False(File.Exists(Path.Combine(root, DatasetFetcher.ArchivesFolder, "dtd-r1.0.1.tar.gz")));
        // The CoOp split lives on Google Drive: reported with the exact place to save it.
        string manual = Assert.Single(result.Manual);
        Assert.Contains("1u3_QfB467jqHgNXC00UIzbLZRQCg2S7x", manual);
        Assert.Contains(Path.Combine(dtd, "split_zhou_DescribableTextures.json"), manual);
        Assert.False(result.Complete);
    }

    [Fact]
    public async Task A_second_fetch_finds_everything_present_and_uses_no_network()
    {
        var fetcher = Fetcher(Served("DTD", ("dtd-r1.0.1.tar.gz", FakeDtd())));
        await fetcher.FetchAsync("DTD", root, dryRun: false, log.Add);
        await File.WriteAllTextAsync(Path.Combine(root, "dtd", "split_zhou_DescribableTextures.json"), "{}");
        int before = server.Requests.Count;

        var again = await fetcher.FetchAsync("DTD", root, dryRun: false, log.Add);

        Assert.Equal(before, server.Requests.Count);
        Assert.True(again.Complete);
        Assert.All(again.Steps, s => Assert.IsType<PresentStep>(s));
    }

    [Fact]
    public async Task Files_already_in_the_dataset_folder_are_kept_when_the_archive_is_merged_in()
    {
        string dtd = Path.Combine(root, "dtd");
        Directory.CreateDirectory(Path.Combine(dtd, "labels"));
        await File.WriteAllTextAsync(Path.Combine(dtd, "split_zhou_DescribableTextures.json"), "mine");
        await File.WriteAllTextAsync(Path.Combine(dtd, "labels", "train1.txt"), "mine too");

        var result = await Fetcher(Served("DTD", ("dtd-r1.0.1.tar.gz", FakeDtd()))).FetchAsync("DTD", root, false, log.Add);

        Assert.True(result.Complete);
        Assert.Equal("mine", File.ReadAllText(Path.Combine(dtd, "split_zhou_DescribableTextures.json")));
        Assert.Equal("mine too", File.ReadAllText(Path.Combine(dtd, "labels", "train1.txt")));
        Assert.True(File.Exists(Path.Combine(dtd, "images", "banded", "banded_0001.jpg")));
    }

    [Fact]
    public async Task An_existing_clip_lora_folder_name_is_filled_instead_of_a_second_copy()
    {
        Directory.CreateDirectory(Path.Combine(root, "DTD"));
        var result = await Fetcher(Served("DTD", ("dtd-r1.0.1.tar.gz", FakeDtd()))).FetchAsync("DTD", root, false, log.Add);

        Assert.Equal(Path.Combine(root, "DTD"), result.Directory);
        Assert.True(File.Exists(Path.Combine(root, "DTD", "images", "banded", "banded_0001.jpg")));
        Assert.False(Directory.Exists(Path.Combine(root, "dtd")));
    }

    [Fact]
    public async Task Caltechs_nested_archive_is_unpacked_into_101_ObjectCategories()
    {
        byte[] inner = TarGz([("101_ObjectCategories/accordion/image_0001.jpg", Utf8("acc"))]);
        byte[] zip = Zip([("caltech-101/101_ObjectCategories.tar.gz", inner), ("caltech-101/Annotations.tar", Tar([]))]);

        await Fetcher(Served("Caltech101", ("caltech-101.zip", zip))).FetchAsync("Caltech101", root, false, log.Add);

        Assert.Equal("acc", File.ReadAllText(Path.Combine(root, "caltech-101", "101_ObjectCategories", "accordion", "image_0001.jpg")));
    }

    [Fact]
    public async Task Fgvc_keeps_only_the_data_folder_renamed_to_fgvc_aircraft()
    {
        byte[] archive = TarGz(
        [
            ("fgvc-aircraft-2013b/data/images/0034309.jpg", Utf8("plane")),
            ("fgvc-aircraft-2013b/data/variants.txt", Utf8("707-320\n")),
            ("fgvc-aircraft-2013b/evaluation.m", Utf8("% not data")),
        ]);

        var result = await Fetcher(Served("FGVCAircraft", ("fgvc-aircraft-2013b.tar.gz", archive)))
            .FetchAsync("fgvc_aircraft", root, false, log.Add);

        string fgvc = Path.Combine(root, "fgvc_aircraft");
        Assert.True(File.Exists(Path.Combine(fgvc, "images", "0034309.jpg")));
        Assert.True(File.Exists(Path.Combine(fgvc, "variants.txt")));
        Assert.False(File.Exists(Path.Combine(fgvc, "evaluation.m")));
        Assert.True(result.Complete);
    }

    [Fact]
    public async Task A_variant_copies_imagenets_classnames_when_present()
    {
        Directory.CreateDirectory(Path.Combine(root, "imagenet"));
        await File.WriteAllTextAsync(Path.Combine(root, "imagenet", "classnames.txt"), "n01440764 tench\n");
        byte[] tar = Tar([("imagenet-a/n01498041/0.jpg", Utf8("ray")), ("imagenet-a/README.txt", Utf8("readme"))]);

        var result = await Fetcher(Served("ImageNetA", ("imagenet-a.tar", tar))).FetchAsync("imagenet-a", root, false, log.Add);

        string dir = Path.Combine(root, "imagenet-adversarial");
        Assert.True(File.Exists(Path.Combine(dir, "imagenet-a", "n01498041", "0.jpg")));
        Assert.Equal("n01440764 tench\n", File.ReadAllText(Path.Combine(dir, "classnames.txt")));
        Assert.True(result.Complete);
    }

    [Fact]
    public async Task An_archive_with_another_layout_fails_naming_what_it_found()
    {
        byte[] wrong = TarGz([("dtd-renamed/images/banded/x.jpg", Utf8("x"))]);
        var fetcher = Fetcher(Served("DTD", ("dtd-r1.0.1.tar.gz", wrong)));

        var e = await Assert.ThrowsAsync<DownloadException>(() => fetcher.FetchAsync("DTD", root, false, log.Add));

        Assert.Contains("dtd-renamed", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.False(Directory.Exists(Path.Combine(root, "dtd", "images")));
    }

    [Fact]
    public async Task A_served_archive_with_a_traversal_entry_writes_nothing_outside_the_root()
    {
        byte[] evil = TarGz([("dtd/images/banded/x.jpg", Utf8("x")), ("../../escaped.txt", Utf8("evil"))]);
        var fetcher = Fetcher(Served("DTD", ("dtd-r1.0.1.tar.gz", evil)));

        var e = await Assert.ThrowsAsync<DownloadException>(() => fetcher.FetchAsync("DTD", root, false, log.Add));

        Assert.Contains("../../escaped.txt", e.Message);
        Assert.False(File.Exists(Path.Combine(root, "escaped.txt")));
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(root)!, "escaped.txt")));
        Assert.False(Directory.Exists(Path.Combine(root, "dtd", "images")));
    }

    [Fact]
    public async Task A_hand_fetched_archive_is_verified_arranged_and_kept()
    {
        byte[] train = TarGz([("cars_train/00001.jpg", Utf8("car"))]);
        var cars = Real("StanfordCars");
        var files = cars.Files.Select(f => f.FileName == "cars_train.tgz" ? f with { Digest = FileDigest.Sha256(Sha256(train)) } : f).ToList();
        var fetcher = Fetcher(cars with { Files = files });
        string archives = Path.Combine(root, DatasetFetcher.ArchivesFolder);
        Directory.CreateDirectory(archives);
        await File.WriteAllBytesAsync(Path.Combine(archives, "cars_train.tgz"), train);

        var result = await fetcher.FetchAsync("StanfordCars", root, false, log.Add);

        Assert.Equal("car", File.ReadAllText(Path.Combine(root, "stanford_cars", "cars_train", "00001.jpg")));
        Assert.True(File.Exists(Path.Combine(archives, "cars_train.tgz")));
        // The three other files and the split are still to be fetched by hand, each with its destination.
        Assert.Equal(4, result.Manual.Count);
        Assert.Contains(result.Manual, m => m.Contains(Path.Combine(archives, "cars_test.tgz")));
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task A_hand_fetched_file_that_is_not_the_original_is_refused()
    {
        string archives = Path.Combine(root, DatasetFetcher.ArchivesFolder);
        Directory.CreateDirectory(archives);
        await File.WriteAllBytesAsync(Path.Combine(archives, "cars_train.tgz"), TarGz([("cars_train/1.jpg", Utf8("repacked"))]));

        var e = await Assert.ThrowsAsync<DownloadException>(() =>
            Fetcher(Real("StanfordCars")).FetchAsync("StanfordCars", root, false, log.Add));

        Assert.Contains("b97deb463af7d58b6bfaa18b2a4de9829f0f79e8ce663dfa9261bf7810e9accd", e.Message);
        Assert.True(File.Exists(Path.Combine(archives, "cars_train.tgz")));
    }

    [Fact]
    public async Task A_dry_run_lists_the_steps_without_network_or_writes()
    {
        var handler = new ThrowingHandler();
        using var offline = new HttpClient(handler);
        var fetcher = new DatasetFetcher(new Downloader(offline));

        var results = await fetcher.FetchManyAsync("all", root, dryRun: true, log.Add);

        Assert.Equal(0, handler.Calls);
        Assert.False(Directory.Exists(root));
        Assert.Equal(DatasetSources.All.Count, results.Count);
        Assert.All(results, r => Assert.True(r.DryRun));

        var dtd = results.Single(r => r.Dataset == "DTD").Steps;
        string archive = Path.Combine(root, DatasetFetcher.ArchivesFolder, "dtd-r1.0.1.tar.gz");
        var download = Assert.IsType<DownloadStep>(dtd[0]);
        Assert.Equal("https://www.robots.ox.ac.uk/~vgg/data/dtd/download/dtd-r1.0.1.tar.gz", download.Url.ToString());
        Assert.Equal(archive, download.Destination);
        Assert.IsType<ExtractStep>(dtd[1]);
        var move = Assert.IsType<MoveStep>(dtd[2]);
        Assert.Equal(Path.Combine(root, "dtd"), move.To);
        Assert.IsType<ManualStep>(dtd[^1]);
        Assert.Contains(log, line => line.Contains("download  https://www.robots.ox.ac.uk/~vgg/data/dtd/download/dtd-r1.0.1.tar.gz"));
        Assert.Contains(log, line => line.StartsWith("  MANUAL") && line.Contains("image-net.org"));
    }

    [Fact]
    public async Task Fetching_all_carries_on_past_a_failed_dataset_and_then_reports_it()
    {
        var dtd = Served("DTD", ("dtd-r1.0.1.tar.gz", FakeDtd()));
        var fgvc = Real("FGVCAircraft");
        // Not served: the loopback server answers 404.
        fgvc = fgvc with { Files = [fgvc.Files[0] with { Url = server.Url("missing.tar.gz").ToString() }] };
        var fetcher = Fetcher(fgvc, dtd);

        var e = await Assert.ThrowsAsync<DownloadException>(() => fetcher.FetchManyAsync("all", root, false, log.Add));

        Assert.StartsWith("1 of 2 datasets failed: FGVCAircraft:", e.Message);
        Assert.Contains("404", e.Message);
        Assert.True(File.Exists(Path.Combine(root, "dtd", "images", "banded", "banded_0001.jpg")));
    }

    [Fact]
    public void Unknown_names_list_the_valid_ones()
    {
        var e = Assert.Throws<ArgumentException>(() => Fetcher(Real("DTD")).Plan("cifar10", root));
        Assert.Contains("DTD", e.Message);
    }
}
