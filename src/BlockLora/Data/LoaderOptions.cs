using BlockLora.Imaging;

namespace BlockLora.Data;

/// <summary>Settings of a <see cref="PrefetchingLoader"/>; immutable, vary with <c>with { ... }</c>.</summary>
public sealed record LoaderOptions
{
    /// <summary>Images per batch (CLIP-LoRA trains with 32).</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Reshuffle the list every epoch, from <see cref="Seed"/> and the epoch number.</summary>
    public bool Shuffle { get; init; }

    /// <summary>Run epoch after epoch without end (training counts iterations, not epochs); otherwise one pass.</summary>
    public bool Repeat { get; init; }

    /// <summary>Drives the shuffle order and each item's augmentation draws.</summary>
    public int Seed { get; init; }

    /// <summary>
    /// Drop each epoch's last, incomplete batch, as Dassl's train loader does, unless the list is smaller
    /// than one batch (then the single short batch is kept, as Dassl keeps it).
    /// </summary>
    public bool DropLast { get; init; }

    /// <summary>Images decoded at the same time.</summary>
    public int MaxParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>Decoded batches kept ready ahead of the consumer.</summary>
    public int PrefetchBatches { get; init; } = 2;

    /// <summary>Size limits for decoding; null uses <see cref="ImageDecoderOptions.Default"/>.</summary>
    public ImageDecoderOptions? Decoder { get; init; }

    /// <summary>One pass in list order, no drops: every image is evaluated exactly once.</summary>
    public static LoaderOptions Evaluation(int batchSize = 32) => new() { BatchSize = batchSize };

    /// <summary>Endless, reshuffled each epoch from <paramref name="seed"/>, short last batch dropped.</summary>
    public static LoaderOptions Training(int seed, int batchSize = 32) =>
        new() { BatchSize = batchSize, Shuffle = true, Repeat = true, DropLast = true, Seed = seed };

    internal void Validate()
    {
        if (BatchSize <= 0) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "batch size must be positive");
        if (MaxParallelism <= 0) throw new ArgumentOutOfRangeException(nameof(MaxParallelism), MaxParallelism, "parallelism must be positive");
        if (PrefetchBatches <= 0) throw new ArgumentOutOfRangeException(nameof(PrefetchBatches), PrefetchBatches, "prefetch depth must be positive");
    }
}
