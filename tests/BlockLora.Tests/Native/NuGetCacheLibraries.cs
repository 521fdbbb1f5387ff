using System.Xml.Linq;
using BlockLora.Native;

namespace BlockLora.Tests.Native;

/// <summary>The versions Directory.Packages.props pins, and the native TorchSharp library they put in the NuGet cache.</summary>
public static class NuGetCacheLibraries
{
    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "BlockLora.Research.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found above the test binaries");
    }

    /// <summary>Package id → version, as written in Directory.Packages.props.</summary>
    public static IReadOnlyDictionary<string, string> PinnedVersions() =>
        XDocument.Load(Path.Combine(RepositoryRoot(), "Directory.Packages.props"))
            .Descendants("PackageVersion")
            .ToDictionary(e => (string)e.Attribute("Include")!, e => (string)e.Attribute("Version")!, StringComparer.OrdinalIgnoreCase);

    /// <summary>The restored libLibTorchSharp.so. Tests only read it: they patch copies.</summary>
    public static string LibTorchSharp()
    {
        string path = Path.Combine(NativePreload.PackagesRoot(), "torchsharp", PinnedVersions()["TorchSharp"], "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.True(File.Exists(path), $"{path} is missing; the restore of TorchSharp puts it there");
        return path;
    }
}
