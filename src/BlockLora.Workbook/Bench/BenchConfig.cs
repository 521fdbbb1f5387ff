using System.Globalization;
using BlockLora.Torch;

namespace BlockLora.Workbook.Bench;

/// <summary>
/// What <c>blora bench</c> measures and how. Defaults are sized so the whole run, PyTorch twin included,
/// finishes within ten minutes on a 2-core CPU: batch 8, 10 class prompts, one warm-up round and three
/// timed rounds, LoRA and Block-LoRA at r = 2 with n = 8 (add ranks and block counts with
/// <c>--ranks 2,8 --blocks 2,8</c>; each adds a training row per round on both sides).
/// </summary>
public sealed record BenchConfig
{
    /// <summary>Images per training step and per evaluation batch.</summary>
    public int Batch { get; init; } = 8;

    /// <summary>
    /// The precisions every case runs at, in order (default fp32, the exact path): ours with the weights held in each,
    /// the twin under torch.autocast of that dtype. With fp32 and another, rows carry the ratio to fp32.
    /// </summary>
    public IReadOnlyList<Precision> Precisions { get; init; } = [Precision.Fp32];

    /// <summary>Intra-op threads for libtorch (torch.set_num_threads), also given to the twin.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>cpu, cuda or cuda:N (the twin runs on the CPU only, so on CUDA it is skipped).</summary>
    public string Device { get; init; } = DeviceSelection.Default;

    /// <summary>Timed rounds; each round runs every case once on each side, interleaved.</summary>
    public int Reps { get; init; } = 3;

    /// <summary>
    /// Untimed rounds first (allocations, AdamW state, thread pools). Peak memory is read in the last of them; with
    /// one, a case's first-ever run also pays one-time allocations (first eval: 267 MiB vs 197 MiB on its second run).
    /// </summary>
    public int Warmup { get; init; } = 2;

    public IReadOnlyList<int> Ranks { get; init; } = [2];

    /// <summary>Block counts n for Block-LoRA; each must divide 768 and 512 (a divisor of 256).</summary>
    public IReadOnlyList<int> Blocks { get; init; } = [8];

    /// <summary>
    /// Time the LoRA family's training steps (<see cref="BenchCatalog.MethodCases"/>: LoRA, Block-LoRA, DoRA, Block-DoRA,
    /// VeRA, LoRA-FA, PiSSA) instead of the default cases.
    /// </summary>
    public bool Methods { get; init; }

    /// <summary>VeRA's rank in the method rows: 256, PEFT's default (docs/method.md, VeRA); its projections are frozen, so r is large.</summary>
    public int VeraRank { get; init; } = 256;

    /// <summary>Class prompts on the text side (the loss is a softmax over them).</summary>
    public int Classes { get; init; } = 10;

    /// <summary>A CLIP checkpoint to time instead of ViT-B/16 with random weights (timings do not depend on weight values).</summary>
    public string? ModelPath { get; init; }

    /// <summary>Run the PyTorch twin alongside (when python3 with torch is found).</summary>
    public bool Twin { get; init; } = true;

    /// <summary>Interpreter for the twin; null tries <c>python3</c>, then <c>/usr/bin/python3</c> (Debian's, where python3-torch installs).</summary>
    public string? Python { get; init; }

    public string TwinScript { get; init; } = Path.Combine("bench", "pytorch_twin.py");

    /// <summary>Where bench.csv, bench.md and bench.html go.</summary>
    public string OutputDir { get; init; } = Path.Combine("results", "bench");

    /// <summary>Side of the square matrices of the GEMM reference row.</summary>
    public int GemmSize { get; init; } = 2048;

    /// <summary>Time the image loader (decode + augmentation) and its overlap with compute.</summary>
    public bool DataRows { get; init; } = true;

    /// <summary>
    /// OpenMP wait policy for both sides (PASSIVE: idle threads sleep instead of spinning). A value already in
    /// the environment wins for both. See <see cref="OpenMpWaitPolicy"/>.
    /// </summary>
    public string OmpWaitPolicy { get; init; } = "PASSIVE";

    /// <summary>Keep only cases whose id starts with one of these (e.g. <c>train</c>, <c>eval/</c>); empty keeps all. Baselines of kept cases are kept too.</summary>
    public IReadOnlyList<string> Only { get; init; } = [];

    /// <summary>A sample of a fast case repeats it until at least this long, so timer and launch noise do not dominate.</summary>
    public double MinSampleSeconds { get; init; } = 0.3;

    public void Validate()
    {
        if (Precisions.Count == 0 || Precisions.Distinct().Count() != Precisions.Count)
            throw new ArgumentException($"--precision needs distinct precisions, got '{string.Join(",", Precisions.Select(global::BlockLora.Torch.Precisions.Format))}'");
        static void Positive(int value, string name) { if (value <= 0) throw new ArgumentException($"{name} must be positive, got {value}"); }
        Positive(Batch, "--batch"); Positive(Threads, "--threads"); Positive(Reps, "--reps"); Positive(Classes, "--classes"); Positive(GemmSize, "--gemm-size"); Positive(VeraRank, "--vera-rank");
        if (Warmup < 0) throw new ArgumentException($"--warmup must be ≥ 0, got {Warmup}");
        if (Ranks.Count == 0 || Ranks.Any(r => r <= 0)) throw new ArgumentException($"--ranks must be positive integers, got '{Join(Ranks)}'");
        if (Blocks.Count == 0 || Blocks.Any(n => n <= 1)) throw new ArgumentException($"--blocks must be integers ≥ 2 (n = 1 is LoRA), got '{Join(Blocks)}'");
        if (OmpWaitPolicy is not ("PASSIVE" or "ACTIVE")) throw new ArgumentException($"--omp-wait-policy must be PASSIVE or ACTIVE, got '{OmpWaitPolicy}'");
        if (!(MinSampleSeconds >= 0)) throw new ArgumentException($"minimum sample time must be ≥ 0, got {MinSampleSeconds}");
    }

    private static string Join(IEnumerable<int> values) => string.Join(",", values.Select(v => v.ToString(CultureInfo.InvariantCulture)));
}
