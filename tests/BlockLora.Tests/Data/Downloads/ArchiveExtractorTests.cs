using System.Formats.Tar;
using BlockLora.Data.Downloads;
using static BlockLora.Tests.Data.Downloads.TestArchives;

namespace BlockLora.Tests.Data.Downloads;

public class ArchiveExtractorTests
{
    private static readonly (string, byte[])[] Files =
    [
        ("top/a.txt", Utf8("alpha")),
        ("top/nested/b.bin", Random(5000)),
    ];

    private static string Write(string dir, string name, byte[] bytes)
    {
        string path = Path.Combine(dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Theory]
    [InlineData("x.tar.gz")]
    [InlineData("x.tar")]
    [InlineData("x.zip")]
    // Named .tar but gzip inside: the format comes from the bytes, as some hosts mislabel files.
    [InlineData("mislabelled.tar")]
    public void Every_format_extracts_to_the_same_tree(string name)
    {
        string dir = Fixtures.TempDir();
        byte[] bytes = name switch
        {
            "x.tar.gz" or "mislabelled.tar" => TarGz(Files),
            "x.tar" => Tar(Files),
            _ => Zip(Files),
        };
        string target = Path.Combine(dir, "out");

        int count = ArchiveExtractor.Extract(Write(dir, name, bytes), target);

        Assert.Equal(2, count);
        Assert.Equal("alpha", File.ReadAllText(Path.Combine(target, "top", "a.txt")));
        Assert.Equal(Files[1].Item2, File.ReadAllBytes(Path.Combine(target, "top", "nested", "b.bin")));
    }

    [Theory]
    [InlineData("../evil.txt")]
    [InlineData("top/../../evil.txt")]
    [InlineData("/tmp/blora-evil-absolute.txt")]
    public void A_tar_entry_escaping_the_folder_is_refused(string entry)
    {
        string dir = Fixtures.TempDir();
        string archive = Write(dir, "bad.tar.gz", TarGz([("ok.txt", Utf8("fine")), (entry, Utf8("evil"))]));
        string target = Path.Combine(dir, "out");

        var e = Assert.Throws<DownloadException>(() => ArchiveExtractor.Extract(archive, target));

        Assert.DoesNotContain('\n', e.Message);
        Assert.Contains(entry, e.Message);
        Assert.Contains(archive, e.Message);
        Assert.False(File.Exists(Path.Combine(dir, "evil.txt")));
        Assert.False(File.Exists("/tmp/blora-evil-absolute.txt"));
    }

    [Fact]
    public void A_zip_entry_escaping_the_folder_is_refused()
    {
        string dir = Fixtures.TempDir();
        string archive = Write(dir, "bad.zip", Zip([("../evil.txt", Utf8("evil"))]));

        var e = Assert.Throws<DownloadException>(() => ArchiveExtractor.Extract(archive, Path.Combine(dir, "out")));

        Assert.Contains("../evil.txt", e.Message);
        Assert.False(File.Exists(Path.Combine(dir, "evil.txt")));
    }

    [Fact]
    public void A_symbolic_link_pointing_outside_is_refused_and_one_inside_is_not_created()
    {
        string dir = Fixtures.TempDir();
        var outside = new PaxTarEntry(TarEntryType.SymbolicLink, "top/escape") { LinkName = "../../.." };
        string bad = Write(dir, "bad.tar", Tar(Files, [outside]));
        var e = Assert.Throws<DownloadException>(() => ArchiveExtractor.Extract(bad, Path.Combine(dir, "bad")));
        Assert.Contains("top/escape", e.Message);

        var inside = new PaxTarEntry(TarEntryType.SymbolicLink, "top/link") { LinkName = "a.txt" };
        string good = Write(dir, "good.tar", Tar(Files, [inside]));
        ArchiveExtractor.Extract(good, Path.Combine(dir, "good"));
        Assert.False(File.Exists(Path.Combine(dir, "good", "top", "link")));
        Assert.True(File.Exists(Path.Combine(dir, "good", "top", "a.txt")));
    }

    [Fact]
    public void A_corrupt_archive_is_a_one_line_error()
    {
        string dir = Fixtures.TempDir();
        byte[] truncated = TarGz(Files)[..40];
        string archive = Write(dir, "cut.tar.gz", truncated);

        var e = Assert.ThrowsAny<Exception>(() => ArchiveExtractor.Extract(archive, Path.Combine(dir, "out")));

        Assert.IsType<DownloadException>(e);
        Assert.DoesNotContain('\n', e.Message);
    }
}
