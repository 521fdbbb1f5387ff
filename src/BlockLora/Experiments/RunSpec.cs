using BlockLora.Adapters;
using BlockLora.Data;
using BlockLora.Training;

namespace BlockLora.Experiments;

/// <summary>Methods a run can use: the frozen model, or one of the two adapters.</summary>
public static class RunMethods
{
    public const string ZeroShot = "zero-shot";
    public const string Lora = "lora";
    public const string BlockLora = "block-lora";
    public static readonly string[] All = [ZeroShot, Lora, BlockLora];

    public static string Validate(string method) => All.Contains(method)
        ? method
        : throw new ArgumentException($"unknown method '{method}' (use {string.Join(", ", All)})");
}

/// <summary>
/// One few-shot run: dataset, shots, seed, method and the adapter/training configs. Its
/// <see cref="RunFolder"/> is keyed by backbone / dataset / shots / seed / method settings, so sweeps resume.
/// </summary>
public sealed record RunSpec
{
    public required string ModelPath { get; init; }
    public required string DataRoot { get; init; }
    public required string Dataset { get; init; }
    public required string Method { get; init; }
    public int Shots { get; init; } = 16;
    public int Seed { get; init; } = 1;
    public AdapterConfig Adapter { get; init; } = new();
    public TrainConfig Train { get; init; } = new();
    /// <summary>Root of the results store (<c>results.csv</c>, <c>runs/</c>).</summary>
    public string ResultsDir { get; init; } = "results";
    /// <summary>Datasets evaluated with this run's adapter besides its own (cross-dataset / domain generalization).</summary>
    public IReadOnlyList<string> AlsoEvaluateOn { get; init; } = [];
    /// <summary>Few-shot file list to use instead of sampling (a 2SFS .jsonl or this project's selection .json).</summary>
    public string? SplitFile { get; init; }
    public bool Resume { get; init; } = true;
    /// <summary>CoOp-layout datasets outside the catalog (see <see cref="DatasetInfo.CustomCoOp"/>) that <see cref="Dataset"/> and <see cref="AlsoEvaluateOn"/> may name.</summary>
    public IReadOnlyList<DatasetInfo> CustomDatasets { get; init; } = [];

    /// <summary>What a dataset name of this spec refers to: a custom dataset, else the catalog entry.</summary>
    public DatasetInfo ResolveDataset(string name) => DatasetCatalog.Resolve(name, CustomDatasets);

    public bool IsZeroShot => Method == RunMethods.ZeroShot;

    public string Backbone => Path.GetFileNameWithoutExtension(Path.TrimEndingDirectorySeparator(ModelPath));

    public string RunFolder => Path.Combine(ResultsDir, "runs", Sanitize(Backbone), Sanitize(Dataset),
        IsZeroShot ? "zero-shot" : $"{Shots}shot", IsZeroShot ? "" : $"seed{Seed}",
        IsZeroShot ? "" : $"{Method}-r{Adapter.Rank}-n{(Method == RunMethods.Lora ? 1 : Adapter.Blocks)}-a{Adapter.Alpha}-{Sanitize(AdapterTargetNames.Format(Adapter.Targets))}-{AdapterEncoderNames.Format(Adapter.Encoders)}-it{(Train with { Shots = Shots }).TotalIterations}");

    private static string Sanitize(string s) => string.Concat(s.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));
}
