using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using BlockLora.Adapters;
using BlockLora.Checkpoints;
using BlockLora.Clip;
using BlockLora.Text;
using BlockLora.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace BlockLora.Workbook.Bench;

/// <summary>
/// Runs <c>blora bench</c>: builds ViT-B/16 with random weights (or loads <see cref="BenchConfig.ModelPath"/>),
/// starts the PyTorch twin when it can, and times every case of <see cref="BenchCatalog"/> in rounds. Within
/// a round each case runs on our side and on the twin's back to back (which goes first alternates), so a
/// case and its baseline, and ours and theirs, always meet the same machine load; each round starts one case
/// later than the one before, so no case always runs right after the same other case. Reported times are
/// medians over the timed rounds (with their range) and ratios are medians of the per-round ratios. Warm-up
/// rounds are discarded; the last one also decides how many back-to-back runs a fast case needs per sample.
/// </summary>
public sealed class BenchRunner(BenchConfig config, Action<string>? log = null)
{
    private static readonly string[] ClassNames = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];
    private readonly Action<string> log = log ?? (_ => { });

    /// <summary>Runs the benchmark and writes bench.csv, bench.md and bench.html to <see cref="BenchConfig.OutputDir"/>.</summary>
    public static (BenchResult Result, IReadOnlyList<string> Files) RunAndWrite(BenchConfig config, Action<string>? log = null)
    {
        var result = new BenchRunner(config, log).Run();
        return (result, BenchReport.Write(result, config.OutputDir));
    }

    public BenchResult Run()
    {
        config.Validate();
        var started = DateTimeOffset.Now;
        var clock = Stopwatch.StartNew();
        string loadAtStart = LoadAverage();
        // Before anything touches libtorch: libgomp reads the policy once, when it loads.
        string ompPolicy = OpenMpWaitPolicy.Apply(config.OmpWaitPolicy);
        set_num_threads(config.Threads);
        var device = DeviceSelection.Parse(config.Device);

        var timed = config.Precisions.Select(precision => TimeAt(precision, device)).ToList();
        // Memory last, for every precision: measuring it changes this process's allocator for good
        // (PeakMemory.ReturnFreedMemoryAtOnce), and no timed round may run under that.
        bool allocatorFixed = PeakMemory.ReturnFreedMemoryAtOnce();
        var rows = new List<BenchRow>();
        var notes = new List<string>();
        var twinStatuses = new List<string>();
        foreach (var (precision, run) in config.Precisions.Zip(timed))
        {
            var (oursPeak, twinPeak) = PeaksAt(precision, device, run.TwinCannot);
            var measured = run.Cases.Select(c => Row(c, run.Ours, run.Twin, oursPeak, twinPeak, run.Clip, run.UsedPositions, run.Inner[c.Id]) with { Precision = run.PrecisionName }).ToList();
            rows.AddRange(measured.Select(r => WithTarget(r, run.Cases.Single(c => c.Id == r.Id).Target, measured)));
            notes.Add(run.Note);
            twinStatuses.Add(config.Precisions.Count == 1 ? run.TwinStatus : $"{Precisions.Format(precision)}: {run.TwinStatus}");
        }
        if (!allocatorFixed) notes.Add("peak memory: glibc's mallopt was not available, so freed memory the allocator kept can hide part of a peak");
        rows = [.. rows.Select(r => WithFp32Ratios(r, rows))];
        string twinStatus = string.Join("; ", twinStatuses.Distinct());
        List<string> machine = [.. Machine(loadAtStart, device, ompPolicy), .. notes];
        return new BenchResult(config, rows, machine, twinStatus, started, clock.Elapsed.TotalSeconds);
    }

    /// <summary>The timed samples of every case at one precision, and what its rows need besides the peaks.</summary>
    private sealed record TimedRun(
        IReadOnlyList<BenchCase> Cases, Dictionary<string, List<BenchSample>> Ours, Dictionary<string, List<BenchSample?>> Twin,
        Dictionary<string, int> Inner, HashSet<string> TwinCannot, ClipConfig Clip, int UsedPositions, string PrecisionName, string Note, string TwinStatus);

    /// <summary>Every case at one precision, on a fresh model cast to it and with a twin started for it.</summary>
    private sealed class Session : IDisposable
    {
        public required IReadOnlyList<BenchCase> Cases { get; init; }
        public required ClipModel Model { get; init; }
        public required ScalarType Dtype { get; init; }
        public required Tensor Tokens { get; init; }
        public required LibraryWorkloads Ours { get; init; }
        public PyTorchTwin? Twin { get; init; }
        public required string TwinStatus { get; init; }

        public void Dispose()
        {
            Twin?.Dispose();
            Ours.Dispose();
            Tokens.Dispose();
            Model.Dispose();
        }
    }

    private Session Open(Precision precision, Device device, bool forMemory = false)
    {
        var cases = BenchCatalog.Create(config);
        log(config.ModelPath is null ? "building ViT-B/16 with random weights" : $"loading {config.ModelPath}");
        var model = config.ModelPath is { } path ? ClipCheckpoint.Load(path) : RandomClip.Create(ClipConfig.VitB16);
        model.to(device);
        // Our side holds the weights in the compute dtype (cast once, as every run of the library does); the twin runs
        // the same cases under torch.autocast, CLIP-LoRA's way.
        var dtype = ModelPrecision.Apply(model, precision, device, log);
        foreach (var adapter in cases.Select(c => c.Adapter).OfType<AdapterConfig>().Distinct())
            adapter.SelectMatrices(model.Config); // a block count that does not divide a width fails here, before anything is timed

        var prompts = Enumerable.Range(0, config.Classes).Select(i => $"a photo of a {(i < ClassNames.Length ? ClassNames[i] : $"thing number {i}")}.").ToList();
        long[,] ids = ClipTokenizer.Default.Tokenize(prompts, model.Config.ContextLength);
        var tokens = tensor(ids);
        var ours = new LibraryWorkloads(model, config, tokens, device, forMemory);

        PyTorchTwin? twin = null;
        string twinStatus;
        if (!config.Twin) twinStatus = "PyTorch twin skipped (--no-twin); no ratio column";
        else if (device.type != TorchSharp.DeviceType.CPU) twinStatus = "PyTorch twin skipped: it runs on the CPU only; no ratio column";
        else twin = PyTorchTwin.TryStart(config, out twinStatus);
        if (twin is not null)
        {
            log("starting the PyTorch twin");
            try
            {
                twin.Setup(TwinSetup(model.Config, ids, cases, precision));
                twinStatus = $"{twinStatus}; {twin.Description}";
            }
            catch (InvalidOperationException e)
            {
                // Our own numbers are still worth having; the table just loses its PyTorch columns.
                twinStatus = $"PyTorch twin failed to start ({e.Message}); no ratio column";
                twin.Dispose();
                twin = null;
            }
        }
        log(twinStatus);
        return new Session { Cases = cases, Model = model, Dtype = dtype, Tokens = tokens, Ours = ours, Twin = twin, TwinStatus = twinStatus };
    }

    /// <summary>The warm-up and timed rounds of every case at one precision, under glibc's default allocator.</summary>
    private TimedRun TimeAt(Precision precision, Device device)
    {
        using var session = Open(precision, device);
        var (cases, ours, twin) = (session.Cases, session.Ours, session.Twin);
        var oursSamples = cases.ToDictionary(c => c.Id, _ => new List<BenchSample>());
        var twinSamples = cases.ToDictionary(c => c.Id, _ => new List<BenchSample?>());
        var inner = cases.ToDictionary(c => c.Id, _ => 1);
        var twinCannot = new HashSet<string>();
        int rounds = config.Warmup + config.Reps;
        for (int round = 0; round < rounds; round++)
        {
            bool warmup = round < config.Warmup;
            foreach (var c in cases.Skip(round % cases.Count).Concat(cases.Take(round % cases.Count)))
            {
                bool askTwin = twin is not null && c.HasTwin && !twinCannot.Contains(c.Id);
                BenchSample? theirs = null;
                // Alternating who goes first cancels any advantage of running right after the other side.
                if (askTwin && round % 2 == 1) theirs = twin!.Measure(c.Id, inner[c.Id], trackMemory: false);
                var mine = ours.Measure(c, inner[c.Id], trackMemory: false);
                if (askTwin && round % 2 == 0) theirs = twin!.Measure(c.Id, inner[c.Id], trackMemory: false);
                if (askTwin && theirs is null) twinCannot.Add(c.Id);
                if (round == config.Warmup - 1)
                    inner[c.Id] = InnerRuns(Math.Max(mine.Seconds, theirs?.Seconds ?? 0));
                if (!warmup)
                {
                    oursSamples[c.Id].Add(mine);
                    twinSamples[c.Id].Add(theirs);
                }
                log(string.Create(CultureInfo.InvariantCulture,
                    $"round {round + 1}/{rounds}{(warmup ? " (warm-up)" : "")}  {c.Id,-44} ours {mine.Seconds * 1000,9:F1} ms{(theirs is { } t ? $"   pytorch {t.Seconds * 1000,9:F1} ms" : "")}"));
            }
        }
        string name = PrecisionSelection.Name(session.Dtype);
        string note = session.Dtype == ScalarType.Float32 ? "precision fp32: fp32 on both sides"
            : $"precision {name}: ours holds the weights in {name} (LayerNorm, feature norms, logits and loss fp32), the twin runs under torch.autocast(\"cpu\", dtype={(session.Dtype == ScalarType.BFloat16 ? "torch.bfloat16" : "torch.float16")})";
        return new TimedRun(cases, oursSamples, twinSamples, inner, twinCannot, session.Model.Config, ours.UsedTextPositions, name, note, session.TwinStatus);
    }

    /// <summary>Memory samples per case; the median is reported (a single one varies by some tens of MiB with the allocation order).</summary>
    private const int MemorySamples = 3;

    /// <summary>
    /// The peak of one run of every case at one precision: after one untracked run made its one-time allocations, the
    /// median over <see cref="MemorySamples"/> tracked runs (rounds over all cases), with freed memory returned to the OS
    /// at once on both sides (this process's allocator is already set; the twin's is set here).
    /// </summary>
    private (Dictionary<string, long> Ours, Dictionary<string, long> Twin) PeaksAt(Precision precision, Device device, HashSet<string> twinCannot)
    {
        using var session = Open(precision, device, forMemory: true);
        session.Twin?.ReturnFreedMemoryAtOnce();
        var ours = session.Cases.ToDictionary(c => c.Id, _ => new List<long>());
        var twin = session.Cases.ToDictionary(c => c.Id, _ => new List<long>());
        for (int round = 0; round <= MemorySamples; round++)
        {
            bool tracked = round > 0;
            foreach (var c in session.Cases)
            {
                var mine = session.Ours.Measure(c, 1, trackMemory: tracked);
                var theirs = session.Twin is not null && c.HasTwin && !twinCannot.Contains(c.Id) ? session.Twin.Measure(c.Id, 1, trackMemory: tracked) : null;
                if (!tracked) continue;
                ours[c.Id].Add(mine.PeakDeltaBytes);
                if (theirs is { } t) twin[c.Id].Add(t.PeakDeltaBytes);
                log(string.Create(CultureInfo.InvariantCulture,
                    $"memory {round}/{MemorySamples} {PrecisionSelection.Name(session.Dtype)}  {c.Id,-44} ours {mine.PeakDeltaBytes / 1048576.0,7:F0} MiB{(theirs is { } u ? $"   pytorch {u.PeakDeltaBytes / 1048576.0,7:F0} MiB" : "")}"));
            }
        }
        static Dictionary<string, long> Medians(Dictionary<string, List<long>> samples) =>
            samples.Where(p => p.Value.Count > 0).ToDictionary(p => p.Key, p => (long)Median(p.Value.Select(v => (double)v)));
        return (Medians(ours), Medians(twin));
    }

    // bf16/fp32 of the same case: ratio of the two medians (the precisions run one after the other, not interleaved).
    private static BenchRow WithFp32Ratios(BenchRow row, IReadOnlyList<BenchRow> all)
    {
        if (row.Precision == "fp32" || all.FirstOrDefault(r => r.Id == row.Id && r.Precision == "fp32") is not { } fp32) return row;
        return row with
        {
            VsFp32 = fp32.OursMs > 0 ? row.OursMs / fp32.OursMs : null,
            TwinVsFp32 = row.TwinMs is { } t && fp32.TwinMs is { } f && f > 0 ? t / f : null,
        };
    }

    // Peak over the baseline's peak, and the target judged on it and on the time ratio (same precision: rows of one TimedRun).
    private static BenchRow WithTarget(BenchRow row, BenchTarget? target, IReadOnlyList<BenchRow> samePrecision)
    {
        var baseline = samePrecision.FirstOrDefault(r => r.Id == row.BaselineId);
        double? peakRatio = baseline is { OursPeakMb: > 0 } b ? row.OursPeakMb / b.OursPeakMb : null;
        return row with { PeakVsBaseline = peakRatio, Target = target?.Text, TargetMet = target?.IsMet(row.VsBaseline, peakRatio) };
    }

    /// <summary>Enough back-to-back runs that one sample lasts <see cref="BenchConfig.MinSampleSeconds"/>, at most 50.</summary>
    private int InnerRuns(double seconds) =>
        seconds <= 0 ? 1 : Math.Clamp((int)Math.Ceiling(config.MinSampleSeconds / seconds), 1, 50);

    private Dictionary<string, object> TwinSetup(ClipConfig clip, long[,] ids, IReadOnlyList<BenchCase> cases, Precision precision) => new()
    {
        ["threads"] = config.Threads,
        ["precision"] = PrecisionSelection.Name(PrecisionSelection.Resolve(precision, CPU)),
        ["batch"] = config.Batch,
        ["gemm_size"] = config.GemmSize,
        ["logit_scale"] = 100.0,
        ["clip"] = new Dictionary<string, int>
        {
            ["EmbedDim"] = clip.EmbedDim,
            ["ImageResolution"] = clip.ImageResolution,
            ["VisionLayers"] = clip.VisionLayers,
            ["VisionWidth"] = clip.VisionWidth,
            ["VisionHeads"] = clip.VisionHeads,
            ["PatchSize"] = clip.PatchSize,
            ["ContextLength"] = clip.ContextLength,
            ["VocabSize"] = clip.VocabSize,
            ["TextWidth"] = clip.TextWidth,
            ["TextHeads"] = clip.TextHeads,
            ["TextLayers"] = clip.TextLayers,
            ["MlpRatio"] = clip.MlpRatio,
        },
        ["tokens"] = Enumerable.Range(0, ids.GetLength(0)).Select(i => Enumerable.Range(0, ids.GetLength(1)).Select(j => ids[i, j]).ToArray()).ToArray(),
        ["specs"] = cases.Where(c => c.HasTwin).Select(c => c.ToTwinSpec()).ToArray(),
    };

    private BenchRow Row(BenchCase c, Dictionary<string, List<BenchSample>> ours, Dictionary<string, List<BenchSample?>> twin,
        Dictionary<string, long> oursPeak, Dictionary<string, long> twinPeak, ClipConfig clip, int usedPositions, int inner)
    {
        var mine = ours[c.Id];
        var theirs = twin[c.Id];
        bool twinMeasured = theirs.Count > 0 && theirs.All(s => s is not null);
        double oursMs = 1000 * Median(mine.Select(s => s.Seconds));
        double? twinMs = twinMeasured ? 1000 * Median(theirs.Select(s => s!.Value.Seconds)) : null;
        double? oursOverTwin = twinMeasured ? Median(mine.Zip(theirs, (a, b) => a.Seconds / b!.Value.Seconds)) : null;

        double? vs = null, twinVs = null, vsMin = null, vsMax = null;
        if (c.BaselineId is { } baseline && ours.TryGetValue(baseline, out var baseSamples))
        {
            var ratios = mine.Zip(baseSamples, (a, b) => a.Seconds / b.Seconds).ToList();
            vs = Median(ratios);
            (vsMin, vsMax) = (ratios.Min(), ratios.Max());
            var twinBase = twin[baseline];
            if (twinMeasured && twinBase.Count > 0 && twinBase.All(s => s is not null))
                twinVs = Median(theirs.Zip(twinBase, (a, b) => a!.Value.Seconds / b!.Value.Seconds));
        }

        bool batchCase = c.Kind is BenchKind.Frozen or BenchKind.Train or BenchKind.Eval || c.Variant == "decode";
        double? flop = Flop(c, clip, usedPositions);
        var adapter = c.Adapter;
        return new BenchRow(
            c.Id, c.Kind.ToString().ToLowerInvariant(), c.Title, c.BaselineId,
            oursMs, vs, twinMs, twinVs, oursOverTwin,
            batchCase ? config.Batch / (oursMs / 1000) : null,
            flop is { } f ? f / (oursMs / 1000) / 1e9 : null,
            flop is { } g && twinMs is { } tm ? g / (tm / 1000) / 1e9 : null,
            oursPeak.GetValueOrDefault(c.Id) / 1048576.0,
            twinMeasured && twinPeak.TryGetValue(c.Id, out long tp) ? tp / 1048576.0 : null,
            adapter is null ? null : ParameterAccounting.FromConfig(clip, adapter).Total.Parameters,
            adapter is null || c.Kind == BenchKind.Eval && c.Variant is "merged" or "onnx" ? null : AdapterFlop(c, adapter, clip, usedPositions) / 1e6,
            mine.Count, inner)
        {
            OursMinMs = 1000 * mine.Min(s => s.Seconds),
            OursMaxMs = 1000 * mine.Max(s => s.Seconds),
            VsMin = vsMin,
            VsMax = vsMax,
            AdapterStepMflop = adapter is not null && c.Kind == BenchKind.Train
                ? AdapterFlops.Of(adapter, clip, AdapterFlops.EncodedTokens(clip, config.Batch, config.Classes, usedPositions), training: true).Total / 1e6
                : null,
        };
    }

    /// <summary>FLOPs of one run by formula, where one is defined (see <see cref="ClipFlops"/>).</summary>
    private double? Flop(BenchCase c, ClipConfig clip, int usedPositions)
    {
        double images = config.Batch * ClipFlops.ImageForward(clip);
        double text = config.Classes * ClipFlops.TextForward(clip, usedPositions);
        return c.Kind switch
        {
            BenchKind.Gemm => ClipFlops.Gemm(config.GemmSize),
            BenchKind.Frozen => images,
            // Backward with frozen weights computes input gradients only: about one more forward's worth.
            BenchKind.Train => 2 * images + (c.Encoders.HasFlag(AdapterEncoders.Text) ? 2 * text : 0),
            BenchKind.Eval => images,
            BenchKind.Text => config.Classes * ClipFlops.TextForward(clip, c.Variant == "full" ? clip.ContextLength : usedPositions),
            BenchKind.Attention => ClipFlops.Attention(config.Batch, clip.VisionHeads, clip.GridSize * clip.GridSize + 1, clip.VisionWidth / clip.VisionHeads),
            BenchKind.Adapter => c.Adapter is { } a ? AdapterFlop(c, a, clip, usedPositions) : null,
            _ => null,
        };
    }

    /// <summary>
    /// The adapters' forward FLOPs of one run by <see cref="AdapterFlops"/>: the adapters-only case puts every adapter on
    /// its tower's whole token block; training and evaluation encode the batch (and, training, the prompts). Through a
    /// dense ΔW instead, 2·d·k per token plus building ΔW (2·d·r·k).
    /// </summary>
    private double AdapterFlop(BenchCase c, AdapterConfig adapter, ClipConfig clip, int usedPositions)
    {
        long visionTokens = config.Batch * (clip.GridSize * clip.GridSize + 1), textTokens = config.Classes * usedPositions;
        if (c.Variant == "dense-delta")
            return adapter.SelectMatrices(clip).Sum(m =>
                (m.Encoder == AdapterEncoders.Vision ? visionTokens : textTokens) * 2.0 * m.OutFeatures * m.InFeatures + 2.0 * m.OutFeatures * adapter.Rank * m.InFeatures);
        Func<AdaptedMatrix, long> tokens = c.Kind switch
        {
            BenchKind.Adapter => m => m.Encoder == AdapterEncoders.Vision ? visionTokens : textTokens,
            BenchKind.Eval => AdapterFlops.EncodedTokens(clip, config.Batch, 0, usedPositions),
            _ => AdapterFlops.EncodedTokens(clip, config.Batch, config.Classes, usedPositions),
        };
        return AdapterFlops.Of(adapter, clip, tokens, training: c.Kind == BenchKind.Train).Forward;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        if (sorted.Length == 0) return double.NaN;
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private List<string> Machine(string loadAtStart, Device device, string ompPolicy)
    {
        var lines = new List<string>
        {
            $"CPU: {CpuModel()}, {Environment.ProcessorCount} logical CPUs; memory {MemoryTotal()}",
            $"OS: {RuntimeInformation.OSDescription}; .NET {Environment.Version}; TorchSharp {typeof(TorchSharp.torch).Assembly.GetName().Version} (libtorch CPU, MKL)",
            string.Create(CultureInfo.InvariantCulture, $"device {device}; torch threads {get_num_threads()} (interop {get_num_interop_threads()}); OMP_WAIT_POLICY {ompPolicy}"),
            $"load average at start: {loadAtStart}; at end: {LoadAverage()} (other work on the machine inflates times; ratios within a round are robust to it)",
            $"bf16: {DeviceCapabilities.Of(device).Name}",
            PeakMemory.Supported ? "peak memory: rise of resident memory over one run of a case, the median of 3 (after one untracked run), measured after all timed rounds on a fresh model and twin, with glibc's mmap threshold fixed at 128 KiB so freed tensors leave at once (malloc_trim, clear_refs, VmHWM); timed rounds run under glibc's default allocator; same method both sides" : "peak memory: not measured (needs Linux /proc)",
        };
        return lines;
    }

    private static string CpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line?.Split(':', 2)[1].Trim() ?? RuntimeInformation.ProcessArchitecture.ToString();
        }
        catch (IOException) { return RuntimeInformation.ProcessArchitecture.ToString(); }
        catch (UnauthorizedAccessException) { return RuntimeInformation.ProcessArchitecture.ToString(); }
    }

    private static string MemoryTotal()
    {
        try
        {
            var line = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal", StringComparison.Ordinal));
            if (line is null) return "unknown";
            long kb = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
            return string.Create(CultureInfo.InvariantCulture, $"{kb / 1048576.0:F1} GiB");
        }
        catch (IOException) { return "unknown"; }
        catch (UnauthorizedAccessException) { return "unknown"; }
    }

    private static string LoadAverage()
    {
        try { return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "unknown"; }
        catch (UnauthorizedAccessException) { return "unknown"; }
    }
}
