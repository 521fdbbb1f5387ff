using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace BlockLora.Tests.Data.Downloads;

/// <summary>Builds small archives in memory, entries named exactly as given (including hostile names).</summary>
internal static class TestArchives
{
    public static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    public static byte[] Random(int length, int seed = 1)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    public static byte[] Tar(IEnumerable<(string Name, byte[] Data)> files, IEnumerable<TarEntry>? extra = null)
    {
        using var buffer = new MemoryStream();
        using (var writer = new TarWriter(buffer, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (name, data) in files)
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(data) });
            foreach (var entry in extra ?? []) writer.WriteEntry(entry);
        }
        return buffer.ToArray();
    }

    public static byte[] TarGz(IEnumerable<(string Name, byte[] Data)> files, IEnumerable<TarEntry>? extra = null) =>
        Gzip(Tar(files, extra));

    public static byte[] Gzip(byte[] data)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(data);
        return buffer.ToArray();
    }

    public static byte[] Zip(IEnumerable<(string Name, byte[] Data)> files)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, data) in files)
            {
                using var stream = zip.CreateEntry(name, CompressionLevel.Fastest).Open();
                stream.Write(data);
            }
        }
        return buffer.ToArray();
    }
}
