using BlockLora.Adapters;

namespace BlockLora.Results;

/// <summary>
/// One finished run: what was trained, on what, how well, at what cost, and where it came from.
/// Every row carries the config that made it, so tables and plots never have to guess.
/// </summary>
public sealed record RunRecord
{
    public required string Dataset { get; init; }
    public required int Shots { get; init; }
    public required int Seed { get; init; }
    public required AdapterMethod Method { get; init; }
    public int Rank { get; init; }
    public int Blocks { get; init; }
    public double Alpha { get; init; }
    public string Targets { get; init; } = "";
    public string Encoders { get; init; } = "";
    public int Iterations { get; init; }
    /// <summary>Top-1 accuracy on the test split, in percent.</summary>
    public required double Accuracy { get; init; }
    public long TrainableParameters { get; init; }
    public double TrainSeconds { get; init; }
    public long PeakMemoryBytes { get; init; }
    public string Device { get; init; } = "cpu";
    /// <summary>The dtype the run computed in: fp32, bf16 or fp16 (rows written before precisions existed read as fp32).</summary>
    public string Precision { get; init; } = "fp32";
    /// <summary>SHA-256 of <see cref="Config"/>: the run's identity (empty in rows written before identities existed).</summary>
    public string RunId { get; init; } = "";
    /// <summary>The canonical JSON of every setting that can change this run's result.</summary>
    public string Config { get; init; } = "";
    public string Backbone { get; init; } = "";
    /// <summary>Evaluation set when it differs from the training set (cross-dataset, domain generalization).</summary>
    public string EvalDataset { get; init; } = "";
    public string GitCommit { get; init; } = "";
    public DateTimeOffset Date { get; init; } = DateTimeOffset.UtcNow;
    /// <summary>
    /// Images the loader could not decode and skipped, in training and in this row's evaluation together (rows written
    /// before the column existed read as 0). Non-zero means the row measured fewer images than the split names.
    /// </summary>
    public long SkippedImages { get; init; }
    /// <summary>
    /// The classes this row was scored on: all, or base / new of the base-to-new split (a base run has a row for each
    /// half; rows written before the column existed read as all).
    /// </summary>
    public string Classes { get; init; } = "all";
}
