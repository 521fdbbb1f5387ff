using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using System.Text.Json;

namespace BlockLora.Native;

/// <summary>What <see cref="NativePreload.Load"/> did.</summary>
public sealed record NativePreloadResult(string PackagesRoot, IReadOnlyList<string> Loaded, GlibcxxWeakPatch.Result Patch);

/// <summary>
/// Loads libtorch and LibTorchSharp for a host that did not build the app: a notebook kernel. There, a libtorch found
/// on the system (or none) may be bound first and TorchSharp fails to initialise; so this loads <c>libc10</c>,
/// <c>libtorch_cpu</c>, <c>libtorch</c> from the NuGet cache by full path, marks GLIBCXX_3.4.32 weak in
/// <c>libLibTorchSharp.so</c> (<see cref="GlibcxxWeakPatch"/>, for Debian 12) and loads it. Package versions come
/// from the deps.json files beside this library, so they are always the versions of Directory.Packages.props.
/// Must run before the first TorchSharp call; touches no TorchSharp type itself. Also resolves the library's managed
/// dependencies from its own folder (the build copies them there).
/// </summary>
public static class NativePreload
{
    private static readonly string[] TorchLibraries = ["libc10.so", "libtorch_cpu.so", "libtorch.so"];
    private static readonly string[] CudaLibraries = ["libc10_cuda.so", "libtorch_cuda.so"];
    private static NativePreloadResult? done;

    /// <summary>Idempotent: the second call returns the first call's result.</summary>
    public static NativePreloadResult Load(string? packagesRoot = null)
    {
        if (done is not null) return done;
        ResolveManagedDependencies();
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
            return done = new NativePreloadResult("", [], GlibcxxWeakPatch.Result.NotNeeded);

        string root = packagesRoot ?? PackagesRoot();
        var packages = Packages();
        string Native(string id) => packages.TryGetValue(id, out var version)
            ? Path.Combine(root, id.ToLowerInvariant(), version, "runtimes", "linux-x64", "native")
            : throw new InvalidOperationException($"no deps.json beside BlockLora.dll lists the {id} package");

        string torchSharp = Path.Combine(Native("TorchSharp"), "libLibTorchSharp.so");
        // CPU build: libtorch-cpu-linux-x64; CUDA build: libtorch-cuda-* (its natives may be split over several packages).
        var nativeDirs = packages.Keys.Where(k => k.StartsWith("libtorch-", StringComparison.OrdinalIgnoreCase)).Select(Native).Where(Directory.Exists).ToArray();
        if (nativeDirs.Length == 0) throw new DirectoryNotFoundException($"no libtorch package under {root}; run 'dotnet build -c Release' (it restores them)");
        if (!File.Exists(torchSharp)) throw new FileNotFoundException($"{torchSharp} not found; run 'dotnet build -c Release' (it restores it)", torchSharp);

        var loaded = new List<string>();
        foreach (var name in TorchLibraries.Concat(CudaLibraries))
        {
            var path = nativeDirs.Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
            if (path is null)
            {
                if (TorchLibraries.Contains(name)) throw new FileNotFoundException($"{name} not found in {string.Join(", ", nativeDirs)}");
                continue;
            }
            NativeLibrary.Load(path);
            loaded.Add(path);
        }
        var patch = GlibcxxWeakPatch.Apply(torchSharp);
        NativeLibrary.Load(torchSharp);
        loaded.Add(torchSharp);
        return done = new NativePreloadResult(root, loaded, patch);
    }

    /// <summary>NUGET_PACKAGES, else ~/.nuget/packages.</summary>
    public static string PackagesRoot() => Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p
        ? p
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    /// <summary>
    /// Package id → version, from the deps.json files the build wrote beside BlockLora.dll: its own in the core's
    /// output folder, the workbook's (<c>BlockLora.Workbook.deps.json</c>, which lists the core's packages too) in the
    /// folder notebooks load from.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Packages()
    {
        string folder = Path.GetDirectoryName(typeof(NativePreload).Assembly.Location)!;
        var depsFiles = Directory.GetFiles(folder, "*.deps.json");
        if (depsFiles.Length == 0)
            throw new FileNotFoundException($"no .deps.json in {folder}; load BlockLora.dll from a build output folder (src/BlockLora.Workbook/bin/<Configuration>/net10.0)");
        var packages = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string deps in depsFiles)
        {
            using var json = JsonDocument.Parse(File.ReadAllText(deps));
            if (!json.RootElement.TryGetProperty("libraries", out var libraries)) continue;
            foreach (var library in libraries.EnumerateObject())
            {
                if (library.Value.GetProperty("type").GetString() != "package") continue;
                int slash = library.Name.IndexOf('/', StringComparison.Ordinal);
                packages[library.Name[..slash]] = library.Name[(slash + 1)..];
            }
        }
        return packages;
    }

    private static void ResolveManagedDependencies()
    {
        // One FSharp.Core for everything: the host's (see BlockLora.Workbook.csproj). The workbook and Plotly.NET/Deedle were
        // built against a newer one; the host's copy serves them (a binding redirect, in effect).
        AppDomain.CurrentDomain.AssemblyResolve += (_, e) => new AssemblyName(e.Name).Name == "FSharp.Core"
            ? AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => a.GetName().Name == "FSharp.Core")
              ?? AssemblyLoadContext.Default.LoadFromAssemblyName(new AssemblyName("FSharp.Core"))
            : null;
        var assembly = typeof(NativePreload).Assembly;
        string folder = Path.GetDirectoryName(assembly.Location)!;
        var context = AssemblyLoadContext.GetLoadContext(assembly) ?? AssemblyLoadContext.Default;
        context.Resolving += (ctx, name) =>
        {
            string candidate = Path.Combine(folder, name.Name + ".dll");
            return File.Exists(candidate) ? ctx.LoadFromAssemblyPath(candidate) : null;
        };
    }
}
