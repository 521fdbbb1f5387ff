using BlockLora.Torch;
using BlockLora.Training;

namespace BlockLora.Workbook.Demo;

/// <summary>
/// What <c>blora demo</c> runs. The paper protocol trains 500 × shots iterations at lr 2e-4; on two CPU
/// cores that would take hours, so the demo trains far fewer iterations at a higher learning rate
/// (<see cref="Schedule"/>), and says so in its output. Everything else (r = 2, alpha = 1, dropout
/// 0.25, q/k/v of both encoders, AdamW, cosine schedule, batch 32, logit scale 100) is the protocol's.
/// </summary>
public sealed record DemoConfig
{
    /// <summary>The CLIP to adapt; by default the checkpoint committed with the project.</summary>
    public string ModelPath { get; init; } = DemoModel.BundledPath;
    /// <summary>Holds results.csv, runs/, data/ (the tasks in CoOp layout), demo.html, demo.png and demo-summary.md.</summary>
    public string ResultsDir { get; init; } = Path.Combine("results", "demo");
    public IReadOnlyList<int> Shots { get; init; } = [1, 4, 16];
    /// <summary>Block counts n for Block-LoRA (each must divide the widths, 128 in the demo CLIP).</summary>
    public IReadOnlyList<int> Blocks { get; init; } = [2, 4, 8];
    public int Rank { get; init; } = 2;
    /// <summary>
    /// Seeds of every trained configuration: three by default, so each accuracy the demo prints is a mean with its spread
    /// (one seed of these short schedules can differ from the next by several points).
    /// </summary>
    public IReadOnlyList<int> Seeds { get; init; } = [1, 2, 3];
    /// <summary>One task, the first shot count, one seed, LoRA and one Block-LoRA, a few iterations: the end-to-end test.</summary>
    public bool Quick { get; init; }
    /// <summary>Iterations for the cut-down demo.</summary>
    public int QuickIterations { get; init; } = 8;
    /// <summary>
    /// The demo's short CPU schedule, shared with the workbook's smoke profile: 60 + 10 steps per shot (1-shot 70,
    /// 4-shot 100, 16-shot 220) instead of the protocol's 500 per shot, at lr 5e-3 — 25 × the protocol's 2e-4, to make
    /// up for running 2–14 % of its iterations. The rate was chosen by a few probes on the demo tasks (LoRA, 4 and 16
    /// shots): 5e-4 barely moved from zero-shot; 1e-2 suited the Fashion task but left the digits task at chance.
    /// RandomResizedCrop keeps the whole area (aspect jitter and flips only): a crop of an 8 × 8 digit or a 28-pixel
    /// garment can lose the object, and in a few probes the digits task learned more without crops.
    /// </summary>
    public static TrainConfig Schedule { get; } = new()
    {
        IterationsBase = 60,
        IterationsPerShot = 10,
        LearningRate = 5e-3,
        MinCropScale = 1.0,
        CheckpointEvery = 0,
    };

    public double LearningRate { get; init; } = Schedule.LearningRate;
    /// <summary>The compute dtype of every run (auto: bf16 on a CPU with avx512_bf16/AMX, else fp32).</summary>
    public Precision Precision { get; init; } = Precision.Auto;
    public int DataWorkers { get; init; } = Math.Max(1, Environment.ProcessorCount);
    /// <summary>Render demo.png through Chromium (the HTML is always written).</summary>
    public bool WritePng { get; init; } = true;
    /// <summary>Task switches timed for the median.</summary>
    public int Switches { get; init; } = 21;
    public string FashionMnistDirectory { get; init; } = FashionMnist.DefaultDirectory;
    public string DigitsPath { get; init; } = SklearnDigits.DefaultPath;
    public string ChromiumPath { get; init; } = DemoChart.DefaultChromium;

    /// <summary>Optimizer steps for a shot count (<see cref="Schedule"/>, or <see cref="QuickIterations"/>).</summary>
    public int IterationsFor(int shots) => Train.TotalIterations(shots);

    public IReadOnlyList<int> EffectiveShots => Quick ? [Shots[0]] : Shots;

    public IReadOnlyList<int> EffectiveBlocks => Quick ? [Blocks[Blocks.Count / 2]] : Blocks;

    public IReadOnlyList<int> EffectiveSeeds => Quick ? [Seeds[0]] : Seeds;

    /// <summary>The seed whose adapters the task-switching check loads: switching is about one set of files, not about spread.</summary>
    public int SwitchSeed => EffectiveSeeds[0];

    /// <summary>The demo's schedule with this config's overrides; each run's shot count and seed come from its <see cref="RunSpec"/>.</summary>
    public TrainConfig Train => Schedule with
    {
        Iterations = Quick ? QuickIterations : null,
        LearningRate = LearningRate,
        DataWorkers = DataWorkers,
        Precision = Precision,
    };

    public void Validate()
    {
        if (Shots.Count == 0) throw new ArgumentException("--shots needs at least one shot count");
        if (Shots.Any(s => s <= 0)) throw new ArgumentException($"shot counts must be positive, got {string.Join(",", Shots)}");
        if (Blocks.Count == 0 || Blocks.Any(b => b <= 0)) throw new ArgumentException("block counts must be positive");
        if (Seeds.Count == 0) throw new ArgumentException("--seeds needs at least one seed");
        if (Seeds.Distinct().Count() != Seeds.Count) throw new ArgumentException($"--seeds lists a seed twice: {string.Join(",", Seeds)}");
        if (Switches < 1) throw new ArgumentException("at least one switch must be timed");
    }
}
