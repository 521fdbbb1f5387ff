using BlockLora.Torch;
using BlockLora.Text;

namespace BlockLora.Training;

/// <summary>
/// The few-shot training protocol. Defaults are CLIP-LoRA's (Zanella &amp; Ben Ayed, CVPRW 2024, from its
/// code), which Block-LoRA builds on: AdamW lr 2e-4, weight decay 1e-2, betas (0.9, 0.999), cosine
/// schedule to 1e-6 over 500 × shots iterations, batch 32, logit scale fixed at 100.
/// </summary>
public sealed record TrainConfig
{
    /// <summary>Optimizer steps; null means <see cref="IterationsBase"/> + <see cref="IterationsPerShot"/> × shots.</summary>
    public int? Iterations { get; init; }
    /// <summary>Steps per shot when <see cref="Iterations"/> is null: 500 is the protocol; the workbook's smoke profile uses fewer.</summary>
    public int IterationsPerShot { get; init; } = 500;
    /// <summary>
    /// Steps added to <see cref="IterationsPerShot"/> × shots (0 in the protocol). Short CPU schedules need it: at
    /// 10 steps per shot a 1-shot run would stop before the cosine schedule has done anything (the demo uses 60 + 10 × shots).
    /// </summary>
    public int IterationsBase { get; init; }
    public int BatchSize { get; init; } = 32;
    public double LearningRate { get; init; } = 2e-4;
    public double MinLearningRate { get; init; } = 1e-6;
    public double WeightDecay { get; init; } = 1e-2;
    public double Beta1 { get; init; } = 0.9;
    public double Beta2 { get; init; } = 0.999;
    public double LogitScale { get; init; } = 100;
    /// <summary>Prompt used for training and testing (<see cref="PromptTemplate"/>: "a photo of a {}.", class name with _ → space).</summary>
    public string Template { get; init; } = PromptTemplate.Default;
    public string Device { get; init; } = DeviceSelection.Default;
    /// <summary>A <c>metrics.csv</c> row every N iterations (and always at the last); logging never changes a result.</summary>
    public int LogEvery { get; init; } = 10;
    /// <summary>Write a resumable checkpoint every N iterations (0: never).</summary>
    public int CheckpointEvery { get; init; } = 500;
    /// <summary>
    /// The dtype training and evaluation compute in: auto (bf16 on a CPU with avx512_bf16/AMX or a CUDA GPU of compute
    /// capability ≥ 8.0, fp16 on older GPUs, else fp32), or fp32 / bf16 / fp16. fp32 is the exact-parity mode.
    /// </summary>
    public Precision Precision { get; init; } = Precision.Auto;
    /// <summary>Decode workers for the prefetching loader.</summary>
    public int DataWorkers { get; init; } = 2;
    /// <summary>
    /// Smallest area fraction of RandomResizedCrop (CLIP-LoRA: 0.08). Tiny images, such as the demo's 28-pixel
    /// ones, lose the object at 8 % of the area, so the demo raises it.
    /// </summary>
    public double MinCropScale { get; init; } = 0.08;

    /// <summary>Optimizer steps for a run of <paramref name="shots"/> images per class (the shot count is the run's, not the schedule's).</summary>
    public int TotalIterations(int shots) => Iterations ?? IterationsBase + IterationsPerShot * shots;

    public void Validate(int shots)
    {
        if (shots <= 0) throw new ArgumentException($"shots must be positive, got {shots}");
        if (IterationsBase < 0) throw new ArgumentException($"base iterations must be ≥ 0, got {IterationsBase}");
        if (TotalIterations(shots) <= 0) throw new ArgumentException($"iterations must be positive, got {TotalIterations(shots)}");
        if (BatchSize <= 0) throw new ArgumentException($"batch size must be positive, got {BatchSize}");
        if (LearningRate <= 0) throw new ArgumentException($"learning rate must be positive, got {LearningRate}");
        if (LogEvery <= 0) throw new ArgumentException($"log interval must be positive, got {LogEvery}");
        if (CheckpointEvery < 0) throw new ArgumentException($"checkpoint interval must be ≥ 0, got {CheckpointEvery}");
        if (!(MinCropScale > 0 && MinCropScale <= 1)) throw new ArgumentException($"minimum crop scale must be in (0, 1], got {MinCropScale}");
        PromptTemplate.Validate(Template);
    }
}
