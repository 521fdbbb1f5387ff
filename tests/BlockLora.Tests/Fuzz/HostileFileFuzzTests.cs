using System.Diagnostics;
using BlockLora.Adapters;
using BlockLora.Checkpoints;
using BlockLora.Tests.Adapters;
using Xunit.Abstractions;

namespace BlockLora.Tests.Fuzz;

/// <summary>
/// Damaged and hostile checkpoints (both layouts), adapter files and images go through the real <c>blora encode</c>,
/// one mutant per process, and must stay harmless: exit 0 or 2, no stack trace, bounded time and memory, and nothing
/// left in the output folder unless the run succeeded. Seeded: set BLORA_FUZZ_SEED to explore other mutants; a failure
/// message names the seed and the mutant, which is all it takes to rebuild the same bytes.
/// </summary>
public sealed class HostileFileFuzzTests(ITestOutputHelper output) : IDisposable
{
    private const int DefaultSeed = 20250601;
    private static readonly TimeSpan PerProcessTimeout = TimeSpan.FromSeconds(30);

    // An intact encode of clip-tiny peaks near 250 MiB; three times that means a size field was believed.
    private const long PeakResidentLimit = 768L << 20;

    private static readonly string[] TraceMarkers = ["   at ", "Unhandled exception", "terminate called", "frame #", "Exception raised from", "core dumped"];
    private static readonly string[] OutOfMemoryMarkers = ["OutOfMemory", "can't allocate memory", "not enough memory", "bad_alloc", "Cannot allocate memory"];

    private readonly string root = Fixtures.TempDir();

    public void Dispose()
    {
        try { Directory.Delete(root, recursive: true); }
        catch (IOException) { /* a leftover temp folder is harmless */ }
    }

    [Fact]
    public void Mutated_checkpoints_adapters_and_images_exit_0_or_2_within_bounds_and_leave_no_output()
    {
        int seed = int.TryParse(Environment.GetEnvironmentVariable("BLORA_FUZZ_SEED"), out int s) ? s : DefaultSeed;
        var inputs = WriteInputs();
        var mutants = FuzzCorpus.Build(seed,
            File.ReadAllBytes(Fixtures.ClipTiny("openai.safetensors")), File.ReadAllBytes(Fixtures.ClipTiny("openai-jit.pt")),
            File.ReadAllBytes(inputs.Adapter), File.ReadAllBytes(inputs.Png), File.ReadAllBytes(inputs.Jpeg));
        output.WriteLine($"seed {seed}: {mutants.Count} mutants, address space limit {(BoundedBlora.Prlimit is null ? "none (no prlimit)" : $"{BoundedBlora.AddressSpaceLimit >> 30} GiB")}");

        // The intact inputs together (TorchScript model, adapter, JPEG) must work, or every "exit 0 is fine" below means nothing.
        var clock = Stopwatch.StartNew();
        string baselineOut = Path.Combine(root, "baseline", "out.safetensors");
        var baseline = Encode(Fixtures.ClipTiny("openai-jit.pt"), inputs.Jpeg, inputs.Adapter, inputs.Texts, baselineOut);
        Assert.True(baseline.ExitCode == 0 && File.Exists(baselineOut), $"intact inputs fail: exit {baseline.ExitCode}: {baseline.Stderr}");

        var problems = new string?[mutants.Count];
        var results = new BoundedBlora.Result?[mutants.Count];
        Parallel.For(0, mutants.Count, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i =>
        {
            var mutant = mutants[i];
            string dir = Path.Combine(root, $"m{i:00}");
            string outDir = Path.Combine(dir, "out");
            Directory.CreateDirectory(outDir);
            string file = Path.Combine(dir, $"m{i:00}-{mutant.Role.ToString().ToLowerInvariant()}{mutant.Extension}");
            File.WriteAllBytes(file, mutant.Bytes);
            string outPath = Path.Combine(outDir, "out.safetensors");
            var r = mutant.Role switch
            {
                MutantRole.Model => Encode(file, inputs.Png, adapter: null, inputs.Texts, outPath),
                MutantRole.Adapter => Encode(Fixtures.ClipTiny("openai.safetensors"), inputs.Png, file, inputs.Texts, outPath),
                _ => Encode(Fixtures.ClipTiny("openai.safetensors"), file, adapter: null, inputs.Texts, outPath),
            };
            results[i] = r;
            problems[i] = Check(r, mutant, Path.GetFileName(file), outDir);
        });
        clock.Stop();

        for (int i = 0; i < mutants.Count; i++)
        {
            var r = results[i]!;
            string firstLine = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
            output.WriteLine($"#{i:00} exit {r.ExitCode} {r.Elapsed.TotalSeconds:0.0}s (cpu {r.CpuTime.TotalSeconds:0.0}s) {r.PeakResidentBytes >> 20} MiB  {mutants[i].Description}  {(r.ExitCode == 0 ? "" : firstLine)}");
        }
        double cpu = results.Sum(r => r!.CpuTime.TotalSeconds) + baseline.CpuTime.TotalSeconds;
        output.WriteLine($"all: {clock.Elapsed.TotalSeconds:0.0}s wall, {cpu:0}s cpu in the children ({cpu / 2:0}s on 2 idle cores), peak resident {results.Max(r => r!.PeakResidentBytes) >> 20} MiB");
        TestTimings.Report($"fuzz test ({mutants.Count} mutants, seed {seed}): {clock.Elapsed.TotalSeconds:0} s wall, peak resident {results.Max(r => r!.PeakResidentBytes) >> 20} MiB");

        var failed = problems.Select((p, i) => p is null ? null : $"seed {seed}, mutant #{i} ({mutants[i].Description}): {p}").OfType<string>().ToList();
        Assert.True(failed.Count == 0, string.Join("\n", failed));
    }

    /// <returns>What is wrong with this run, or null.</returns>
    private static string? Check(BoundedBlora.Result r, Mutant mutant, string fileName, string outDir)
    {
        string all = r.Stdout + r.Stderr;
        var left = Directory.GetFiles(outDir).Select(Path.GetFileName).ToList();
        if (r.TimedOut) return $"still running after {PerProcessTimeout.TotalSeconds:0} s (killed)";
        if (TraceMarkers.FirstOrDefault(all.Contains) is { } trace) return $"exit {r.ExitCode} with a stack trace ('{trace.Trim()}'): {Excerpt(all)}";
        if (OutOfMemoryMarkers.FirstOrDefault(all.Contains) is { } oom) return $"ran out of memory ('{oom}'), so a size field was trusted: {Excerpt(all)}";
        if (r.ExitCode is not (0 or 2)) return $"exit {r.ExitCode} (expected 0 or 2): {Excerpt(all)}";
        if (r.PeakResidentBytes > PeakResidentLimit) return $"peak resident memory {r.PeakResidentBytes >> 20} MiB, over {PeakResidentLimit >> 20} MiB";
        if (r.ExitCode == 0)
        {
            if (mutant.MustFail) return "exit 0 for input that cannot be valid";
            return left.SequenceEqual(["out.safetensors"]) ? null : $"exit 0 but the output folder holds [{string.Join(", ", left)}]";
        }
        if (left.Count > 0) return $"exit 2 but the output folder holds [{string.Join(", ", left)}]";
        var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length != 1 || !lines[0].StartsWith("blora: ", StringComparison.Ordinal) || !lines[0].Contains(fileName, StringComparison.Ordinal))
            return $"exit 2 without one 'blora: ' line naming {fileName}: {Excerpt(r.Stderr)}";
        return null;
    }

    private static string Excerpt(string text) => text.Length <= 600 ? text.Trim() : text[..600].Trim() + " …";

    private static BoundedBlora.Result Encode(string model, string image, string? adapter, string texts, string outPath)
    {
        string[] args = ["encode", "--model", model, "--images", image, "--texts-file", texts, "--output", outPath];
        return BoundedBlora.Run(PerProcessTimeout, adapter is null ? args : [.. args, "--adapter", adapter]);
    }

    private sealed record Inputs(string Texts, string Png, string Jpeg, string Adapter);

    /// <summary>The intact inputs: two short texts, a small PNG and JPEG, and a Block-LoRA adapter for clip-tiny with non-zero weights.</summary>
    private Inputs WriteInputs()
    {
        string dir = Path.Combine(root, "inputs");
        Directory.CreateDirectory(dir);
        var inputs = new Inputs(Path.Combine(dir, "texts.json"), Path.Combine(dir, "image.png"), Path.Combine(dir, "image.jpg"), Path.Combine(dir, "adapter.safetensors"));
        File.WriteAllText(inputs.Texts, "[\"a red circle\", \"a blue square\"]");
        SmokeImages.Write(inputs.Png, SmokeImageStyle.Shapes, 0, 4, imageSeed: 1, size: 32);
        SmokeImages.Write(inputs.Jpeg, SmokeImageStyle.Shapes, 1, 4, imageSeed: 2, size: 32);
        using var model = ClipCheckpoint.Load(Fixtures.ClipTiny("openai.safetensors"));
        using var set = AdapterInjector.Inject(model, new AdapterConfig { Method = AdapterMethod.BlockLora, Blocks = 4 });
        TinyClip.Randomize(set, scale: 0.05);
        AdapterFile.Save(inputs.Adapter, set);
        return inputs;
    }
}
