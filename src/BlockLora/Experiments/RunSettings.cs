using System.Globalization;
using BlockLora.Adapters;
using BlockLora.Data;
using BlockLora.Torch;

namespace BlockLora.Experiments;

/// <summary>
/// Every option of a run (<see cref="RunSetting"/>), in <c>blora train --help</c> order. Defaults are the protocol's
/// (docs/method.md, CLIP-LoRA's settings) with Block-LoRA n = 8. <c>resume</c> is not here: sweeps always resume.
/// </summary>
public static class RunSettings
{
    /// <summary>Separates alternatives of one option in a sweep: <c>targets: q,k,v | v,o</c>, <c>--lr "1e-4|2e-4"</c>.</summary>
    public const char AlternativeSeparator = '|';

    public static IReadOnlyList<RunSetting> All { get; } =
    [
        new() { Key = "model", Description = "CLIP checkpoint (.pt, .safetensors or HF folder)", Apply = (s, v) => s with { ModelPath = Path(v, "model") } },
        new() { Key = "data-root", Description = "folder holding the datasets in CoOp layout", CanVary = false,
            Apply = (s, v) => s with { DataRoot = Path(v, "data root"), CustomDatasets = CustomDatasetFile.Discover(v) } },
        new() { Key = "results", Description = "results folder (results.csv, shards/, runs/)", Default = "results", CanVary = false, Apply = (s, v) => s with { ResultsDir = Path(v, "results folder") } },
        new() { Key = "dataset", Description = "dataset name (e.g. OxfordPets, ImageNet, DTD, or a custom one described by <data-root>/<folder>/blora-dataset.json)",
            Apply = (s, v) => s with { Dataset = s.ResolveDataset(v.Trim()).Name } },
        new() { Key = "method", Description = "zero-shot, lora, block-lora or vera", Default = "block-lora", Apply = (s, v) => s with { Method = AdapterMethods.Parse(v) } },
        new() { Key = "shots", Description = "images per class", Default = "16", Apply = (s, v) => s with { Shots = Positive(v, "shots") } },
        new() { Key = "seed", Description = "few-shot sample and init seed", Default = "1", Apply = (s, v) => s with { Seed = Int(v, "seed") } },
        new() { Key = "rank", Description = "rank r", Default = "2", Apply = (s, v) => s with { Adapter = s.Adapter with { Rank = Positive(v, "rank") } } },
        new() { Key = "blocks", Description = "block count n (block-lora; lora is n = 1)", Default = "8", Apply = (s, v) => s with { Adapter = s.Adapter with { Blocks = Positive(v, "blocks") } } },
        new() { Key = "alpha", Description = "LoRA alpha", Default = "1", Apply = (s, v) => s with { Adapter = s.Adapter with { Alpha = Double(v, "alpha") } } },
        new() { Key = "scaling", Description = "alpha/sqrt(r) or alpha/r", Default = "alpha/sqrt(r)", Apply = (s, v) => s with { Adapter = s.Adapter with { Scaling = ScalingRuleNames.Parse(v) } } },
        new() { Key = "dropout", Description = "adapter input dropout (training only)", Default = "0.25",
            Apply = (s, v) => s with { Adapter = s.Adapter with { Dropout = Fraction(v, "dropout") } } },
        new() { Key = "init-fan-in", Description = "block (k/n) or full (k): fan-in of A's Kaiming init", Default = "block", Apply = (s, v) => s with { Adapter = s.Adapter with { InitFanIn = InitFanInNames.Parse(v) } } },
        new() { Key = "freeze-a", Description = "true: LoRA-FA, A stays at its initialisation and only B trains (r·d parameters per matrix)", Default = "false",
            Apply = (s, v) => s with { Adapter = s.Adapter with { FreezeA = Bool(v, "freeze-a") } } },
        new() { Key = "init", Description = "kaiming (A Kaiming-uniform, B = 0) or pissa (A, B from W0's top-r singular triplets; the base becomes the residual)", Default = "kaiming",
            Apply = (s, v) => s with { Adapter = s.Adapter with { Init = AdapterInitNames.Parse(v) } } },
        new() { Key = "vera-d-initial", Description = "vera only: the initial value of every λ_d (PEFT's d_initial); λ_b starts at 0", Default = "0.1",
            Apply = (s, v) => s with { Adapter = s.Adapter with { VeraDInitial = Double(v, "vera d_initial") } } },
        new() { Key = "dora", Description = "true or false: DoRA on top of the method's update (lora: DoRA, block-lora: Block-DoRA), a trained magnitude per output row", Default = "false",
            Apply = (s, v) => s with { Adapter = s.Adapter with { Dora = Bool(v, "dora") } } },
        new() { Key = "targets", Description = "adapted matrices: q,k,v,o,c_fc,c_proj (or all)", Default = "q,k,v", IsList = true,
            Apply = (s, v) => s with { Adapter = s.Adapter with { Targets = AdapterTargetNames.Parse(v) } } },
        new() { Key = "encoders", Description = "vision, text or both", Default = "both", IsList = true, Apply = (s, v) => s with { Adapter = s.Adapter with { Encoders = AdapterEncoderNames.Parse(v) } } },
        new() { Key = "layers", Description = "all, a list (0,3,7), a range (0-5), or per encoder (text:0-5;vision:6-11)", Default = "all", IsList = true, Apply = (s, v) => s with { Adapter = s.Adapter with { Layers = LayerSelection.Parse(v) } } },
        new() { Key = "iterations", Description = "optimizer steps in all (default: iterations-base + iterations-per-shot x shots)", Excludes = ["iterations-per-shot", "iterations-base"], Apply = (s, v) => s with { Train = s.Train with { Iterations = Positive(v, "iterations") } } },
        new() { Key = "iterations-per-shot", Description = "optimizer steps per shot when --iterations is not given (CLIP-LoRA's n_iters)", Default = "500",
            Apply = (s, v) => s with { Train = s.Train with { IterationsPerShot = Positive(v, "iterations per shot") } } },
        new() { Key = "iterations-base", Description = "optimizer steps added to iterations-per-shot x shots (short CPU schedules: the demo's 60 + 10 x shots)", Default = "0",
            Apply = (s, v) => s with { Train = s.Train with { IterationsBase = NonNegative(v, "base iterations") } } },
        new() { Key = "batch-size", Description = "training batch size", Default = "32", Apply = (s, v) => s with { Train = s.Train with { BatchSize = Positive(v, "batch size") } } },
        new() { Key = "lr", Description = "AdamW learning rate (cosine to 1e-6)", Default = "0.0002", Apply = (s, v) => s with { Train = s.Train with { LearningRate = PositiveDouble(v, "lr") } } },
        new() { Key = "weight-decay", Description = "AdamW weight decay", Default = "0.01", Apply = (s, v) => s with { Train = s.Train with { WeightDecay = Double(v, "weight decay") } } },
        new() { Key = "template", Description = "training and test prompt with {} for the class name", Default = Text.PromptTemplate.Default,
            Apply = (s, v) => { Text.PromptTemplate.Validate(v); return s with { Train = s.Train with { Template = v } }; } },
        new() { Key = "min-crop-scale", Description = "smallest area fraction of the random resized crop", Default = "0.08",
            Apply = (s, v) => s with { Train = s.Train with { MinCropScale = CropScale(v) } } },
        new() { Key = "device", Description = "cpu, cuda or cuda:N (default: the device this build is for, cuda in a BLORA_DEVICE=cuda build)", Default = DeviceSelection.Default, Apply = (s, v) => s with { Train = s.Train with { Device = DeviceSelection.CheckName(v.Trim()) } } },
        new() { Key = "precision", Description = "fp32 (exact parity), bf16, fp16 or auto (bf16 on a CPU with avx512_bf16/AMX or a GPU of compute capability >= 8.0, fp16 on older GPUs, else fp32)",
            Default = "auto", Apply = (s, v) => s with { Train = s.Train with { Precision = Precisions.Parse(v) } } },
        new() { Key = "workers", Description = "image decoding threads (default: the cores this process may use)", Apply = (s, v) => s with { Train = s.Train with { DataWorkers = Positive(v, "workers") } } },
        new() { Key = "checkpoint-every", Description = "iterations between resumable checkpoints (0: none)", Default = "500",
            Apply = (s, v) => s with { Train = s.Train with { CheckpointEvery = NonNegative(v, "checkpoint interval") } } },
        new() { Key = "log-every", Description = "metrics.csv row every N iterations (and at the last)", Default = "10",
            Apply = (s, v) => s with { Train = s.Train with { LogEvery = Positive(v, "log interval") } } },
        new() { Key = "classes", Description = "all, or base: train on the base half of the base-to-new split and score both halves (new: zero-shot only)", Default = "all",
            Apply = (s, v) => s with { Classes = ClassSubsets.Parse(v) } },
        new() { Key = "split-file", Description = "use this few-shot list (2SFS .jsonl or a saved fewshot.json) instead of sampling",
            Apply = (s, v) => s with { SplitFile = ExistingFile(v, "split file") } },
        new() { Key = "eval-on", Description = "also evaluate the adapter on these datasets (cross-dataset / domain generalization), comma-separated", IsList = true,
            Apply = (s, v) => s with { AlsoEvaluateOn = v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(d => s.ResolveDataset(d).Name).ToArray() } },
    ];

    private static readonly Dictionary<string, RunSetting> byKey = All.ToDictionary(s => s.Key, StringComparer.Ordinal);

    public static bool TryGet(string key, out RunSetting setting) => byKey.TryGetValue(key, out setting!);

    /// <summary>The setting called <paramref name="key"/>; the message lists the known keys.</summary>
    public static RunSetting Get(string key) => byKey.TryGetValue(key, out var setting) ? setting
        : throw new ArgumentException($"unknown option '{key}' (options: {string.Join(", ", All.Select(s => s.Key))})");

    /// <summary>
    /// Throws when the given settings include one with another it <see cref="RunSetting.Excludes"/>; the message names
    /// both as the user spelled them (<paramref name="given"/>: key → spelling, e.g. iterations-per-shot → --n_iters).
    /// </summary>
    public static void RefuseExcluded(IReadOnlyDictionary<string, string> given)
    {
        foreach (var (key, spelling) in given)
            foreach (var excluded in Get(key).Excludes.Where(given.ContainsKey))
                throw new ArgumentException($"{spelling} and {given[excluded]} cannot both be given: {spelling} is {Get(key).Description}, "
                    + $"{given[excluded]} {Get(excluded).Description}; give one");
    }

    /// <summary>
    /// A spec with every default applied: what a run is before its options are read. Model, data root and dataset are
    /// empty until set; <see cref="Complete"/> says which are missing.
    /// </summary>
    public static RunSpec Defaults()
    {
        var spec = new RunSpec { ModelPath = "", DataRoot = "", Dataset = "", Method = AdapterMethod.BlockLora };
        foreach (var setting in All.Where(s => s.Default is not null)) spec = setting.Apply(spec, setting.Default!);
        return spec with { Train = spec.Train with { DataWorkers = CpuBudget.Cores() } };
    }

    /// <summary>Throws when the spec lacks a model, data root or dataset (naming the option to give).</summary>
    public static RunSpec Complete(RunSpec spec)
    {
        if (spec.ModelPath.Length == 0) throw new ArgumentException("no model: give --model (or model: in the grid file)");
        if (spec.DataRoot.Length == 0) throw new ArgumentException("no data root: give --data-root (or data-root: in the grid file)");
        if (spec.Dataset.Length == 0) throw new ArgumentException("no dataset: give --dataset (or dataset: in the grid file)");
        return spec;
    }

    /// <summary>
    /// The alternatives in one value of a sweep: split at <c>|</c>, and also at <c>,</c> for a setting whose single values
    /// hold no commas. Empty pieces are an error.
    /// </summary>
    public static IReadOnlyList<string> Alternatives(RunSetting setting, string text)
    {
        var separators = setting.IsList ? new[] { AlternativeSeparator } : new[] { AlternativeSeparator, ',' };
        var values = text.Split(separators, StringSplitOptions.TrimEntries);
        if (values.Any(v => v.Length == 0)) throw new ArgumentException($"'{text}' has an empty alternative");
        return values;
    }

    private static string Path(string v, string what) => v.Trim().Length > 0 ? v.Trim() : throw new ArgumentException($"the {what} path is empty");

    private static string ExistingFile(string v, string what) =>
        File.Exists(v.Trim()) ? v.Trim() : throw new ArgumentException($"{v.Trim()}: {what} not found");

    private static int Int(string v, string what) =>
        int.TryParse(v.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : throw new ArgumentException($"{what} must be an integer, got '{v}'");

    private static bool Bool(string v, string what) => v.Trim().ToLowerInvariant() switch
    {
        "true" or "yes" or "1" => true,
        "false" or "no" or "0" => false,
        _ => throw new ArgumentException($"{what} must be true or false, got '{v}'"),
    };

    private static int Positive(string v, string what) => Int(v, what) is var i and > 0 ? i : throw new ArgumentException($"{what} must be positive, got '{v}'");

    private static int NonNegative(string v, string what) => Int(v, what) is var i and >= 0 ? i : throw new ArgumentException($"{what} must be ≥ 0, got '{v}'");

    private static double Double(string v, string what) =>
        double.TryParse(v.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) ? d
            : throw new ArgumentException($"{what} must be a number, got '{v}'");

    private static double PositiveDouble(string v, string what) => Double(v, what) is var d and > 0 ? d : throw new ArgumentException($"{what} must be positive, got '{v}'");

    private static double Fraction(string v, string what) => Double(v, what) is var d and >= 0 and < 1 ? d : throw new ArgumentException($"{what} must be in [0, 1), got '{v}'");

    private static double CropScale(string v) => Double(v, "minimum crop scale") is var d and > 0 and <= 1 ? d : throw new ArgumentException($"minimum crop scale must be in (0, 1], got '{v}'");
}
