using System.IO.Compression;
using BlockLora.Data;

namespace BlockLora.Tests.Data;

/// <summary>The IDX reader on hand-made files: shape and values, gzip or not, and one-line errors for broken files.</summary>
public class IdxFileTests
{
    private static byte[] Idx(byte type, int[] shape, byte[] values)
    {
        using var stream = new MemoryStream();
        stream.Write([0, 0, type, (byte)shape.Length]);
        foreach (int d in shape) stream.Write([(byte)(d >> 24), (byte)(d >> 16), (byte)(d >> 8), (byte)d]);
        stream.Write(values);
        return stream.ToArray();
    }

    private static string Write(byte[] bytes, bool gzip)
    {
        string path = Path.Combine(Fixtures.TempDir(), gzip ? "data-idx3-ubyte.gz" : "data-idx3-ubyte");
        if (!gzip) { File.WriteAllBytes(path, bytes); return path; }
        using var file = File.Create(path);
        using var zip = new GZipStream(file, CompressionLevel.Fastest);
        zip.Write(bytes);
        return path;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reads_shape_and_row_major_values(bool gzip)
    {
        // Two 2 x 3 "images", big-endian sizes: 2, 2, 3; the values count up so their order shows.
        var values = Enumerable.Range(0, 12).Select(i => (byte)(i * 20)).ToArray();
        var array = IdxFile.Read(Write(Idx(0x08, [2, 2, 3], values), gzip));
        Assert.Equal([2, 2, 3], array.Shape);
        Assert.Equal(values, array.Values);
        Assert.Equal((2, 6), (array.Count, array.ItemSize));
        Assert.Equal(values[6..], array.Item(1).ToArray());
    }

    [Fact]
    public void Reads_labels_and_large_sizes()
    {
        // A size above 255 exercises every byte of the big-endian length.
        var labels = Enumerable.Range(0, 300).Select(i => (byte)(i % 10)).ToArray();
        var array = IdxFile.Read(Write(Idx(0x08, [300], labels), gzip: true));
        Assert.Equal([300], array.Shape);
        Assert.Equal(1, array.ItemSize);
        Assert.Equal(labels, array.Values);
    }

    [Fact]
    public void Broken_files_are_one_line_errors_naming_the_file()
    {
        string truncated = Write(Idx(0x08, [2, 28, 28], new byte[100]), gzip: true);
        var e = Assert.Throws<InvalidDataException>(() => IdxFile.Read(truncated));
        Assert.Contains(truncated, e.Message);
        Assert.Contains("truncated", e.Message);

        string floats = Write(Idx(0x0D, [1], new byte[4]), gzip: false);
        Assert.Contains("0x0d", Assert.Throws<InvalidDataException>(() => IdxFile.Read(floats)).Message);

        string png = Write([0x89, 0x50, 0x4E, 0x47, 0, 0, 0, 0], gzip: false);
        Assert.Contains("not an IDX file", Assert.Throws<InvalidDataException>(() => IdxFile.Read(png)).Message);

        string shortHeader = Write([0, 0, 8], gzip: true);
        Assert.Contains("truncated", Assert.Throws<InvalidDataException>(() => IdxFile.Read(shortHeader)).Message);

        Assert.Throws<FileNotFoundException>(() => IdxFile.Read(Path.Combine(Fixtures.TempDir(), "missing.gz")));
    }
}
