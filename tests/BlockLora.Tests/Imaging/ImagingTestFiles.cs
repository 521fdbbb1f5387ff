namespace BlockLora.Tests.Imaging;

/// <summary>A scratch directory per test class, removed afterwards, plus the clip-tiny fixture paths.</summary>
public sealed class ImagingTestFiles : IDisposable
{
    public ImagingTestFiles()
    {
        Directory = System.IO.Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "blocklora-imaging-" + Guid.NewGuid().ToString("N"))).FullName;
    }

    public static string FixtureDirectory => Path.Combine(AppContext.BaseDirectory, "fixtures", "clip-tiny");

    public string Directory { get; }

    public static string Fixture(string name) => Path.Combine(FixtureDirectory, name);

    public string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(Directory, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless; failing the test run over it is not.
        }
    }
}
