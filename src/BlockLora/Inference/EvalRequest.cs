using BlockLora.Torch;

namespace BlockLora.Inference;

/// <summary>What <c>blora eval</c> asks: a dataset's test split scored by a CLIP, with or without an adapter.</summary>
public sealed record EvalRequest
{
    public required string ModelPath { get; init; }
    public required string DataRoot { get; init; }
    /// <summary>A catalog name or a custom dataset described under <see cref="DataRoot"/>.</summary>
    public required string Dataset { get; init; }
    /// <summary>An adapter file applied merged; null scores the base model.</summary>
    public string? AdapterPath { get; init; }
    /// <summary>The prompt; null: the dataset's CoOp template without an adapter, the default training template with one.</summary>
    public string? Template { get; init; }
    public required string Device { get; init; }
    public required Precision Precision { get; init; }
    /// <summary>Where the per-class report goes; null writes none unless <see cref="PerClass"/>.</summary>
    public string? ReportPath { get; init; }
    /// <summary>Per-class lines in the output and a report (in the current folder unless <see cref="ReportPath"/> says where).</summary>
    public bool PerClass { get; init; }
}
