namespace BlockLora.Workbook.Bench;

/// <summary>What a benchmark case times; the twin dispatches on the same lower-case names.</summary>
public enum BenchKind
{
    /// <summary>One square fp32 matrix product: the machine's attainable GEMM rate, the ceiling for everything else.</summary>
    Gemm,
    /// <summary>The training loss on the frozen CLIP without adapters, forward only under no_grad (nothing to train, so no backward or step).</summary>
    Frozen,
    /// <summary>One full training step: forward, loss, backward, AdamW step on the adapter parameters.</summary>
    Train,
    /// <summary>Only the adapter modules, each on a [tokens, k] input of its tower's shape, no_grad.</summary>
    Adapter,
    /// <summary>Image encoding under no_grad (evaluation / deployed inference).</summary>
    Eval,
    /// <summary>Text encoding of the class prompts under no_grad.</summary>
    Text,
    /// <summary>The attention core alone at the vision tower's shapes, no_grad.</summary>
    Attention,
    /// <summary>Image decoding and augmentation (the C# loader only).</summary>
    Data,
}
