using System.IO.Compression;

namespace BlockLora.Tests.IO;

/// <summary>Temp folders, fixture paths and hand-made zip archives for the torch.save reader/writer tests.</summary>
internal sealed class PickleTestFiles : IDisposable
{
    public string Dir { get; } = Directory.CreateTempSubdirectory("blora-pickle-").FullName;

    public string PathOf(string name) => Path.Combine(Dir, name);

    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", "torch-pickle", name);

    /// <summary>Writes a zip with these entries (stored, in this order) and returns its path.</summary>
    public string Zip(string name, params (string Entry, byte[] Data)[] entries)
    {
        string path = PathOf(name);
        using var stream = File.Create(path);
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create);
        foreach (var (entry, data) in entries)
        {
            using var output = zip.CreateEntry(entry, CompressionLevel.NoCompression).Open();
            output.Write(data);
        }
        return path;
    }

    /// <summary>Every entry of a zip, by name, in archive order.</summary>
    public static List<(string Name, byte[] Data)> Entries(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        return zip.Entries.Select(e =>
        {
            using var input = e.Open();
            var data = new byte[e.Length];
            input.ReadExactly(data);
            return (e.FullName, data);
        }).ToList();
    }

    public void Dispose()
    {
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { }
    }
}
