using BlockLora.Torch;
using System.CommandLine;
using BlockLora.Adapters;
using BlockLora.Training;

namespace BlockLora.Cli.Commands;

/// <summary>
/// The options shared by train and sweep, each defaulting to the protocol of docs/method.md
/// (CLIP-LoRA's settings), turned into the library's config records.
/// </summary>
public sealed class RunOptions
{
    public Option<string> Model { get; } = new("--model") { Description = "CLIP checkpoint (.pt, .safetensors or HF folder)", Required = true };
    public Option<string> DataRoot { get; } = new("--data-root") { Description = "folder holding the datasets in CoOp layout", Required = true };
    public Option<string> Results { get; } = new("--results") { Description = "results folder (results.csv, runs/)", DefaultValueFactory = _ => "results" };
    public Option<int> Alpha { get; } = new("--alpha") { Description = "LoRA alpha", DefaultValueFactory = _ => 1 };
    public Option<string> Scaling { get; } = new("--scaling") { Description = "alpha/sqrt(r) or alpha/r", DefaultValueFactory = _ => "alpha/sqrt(r)" };
    public Option<double> Dropout { get; } = new("--dropout") { Description = "adapter input dropout (training only)", DefaultValueFactory = _ => 0.25 };
    public Option<string> InitFanIn { get; } = new("--init-fan-in") { Description = "block (k/n) or full (k): fan-in of A's Kaiming init", DefaultValueFactory = _ => "block" };
    public Option<string> Targets { get; } = new("--targets") { Description = "q,k,v,o,c_fc,c_proj", DefaultValueFactory = _ => "q,k,v" };
    public Option<string> Encoders { get; } = new("--encoders") { Description = "vision, text or both", DefaultValueFactory = _ => "both" };
    public Option<string> Layers { get; } = new("--layers") { Description = "all, a list (0,3,7) or a range (0-5)", DefaultValueFactory = _ => "all" };
    public Option<int?> Iterations { get; } = new("--iterations") { Description = "optimizer steps (default 500 x shots)" };
    public Option<int> BatchSize { get; } = new("--batch-size") { Description = "training batch size", DefaultValueFactory = _ => 32 };
    public Option<double> LearningRate { get; } = new("--lr") { Description = "AdamW learning rate (cosine to 1e-6)", DefaultValueFactory = _ => 2e-4 };
    public Option<double> WeightDecay { get; } = new("--weight-decay") { Description = "AdamW weight decay", DefaultValueFactory = _ => 1e-2 };
    public Option<string> Device { get; } = new("--device") { Description = "cpu, cuda or cuda:N", DefaultValueFactory = _ => "cpu" };
    public Option<string> Precision { get; } = PrecisionOption("auto");
    public Option<int> Workers { get; } = new("--workers") { Description = "image decoding threads", DefaultValueFactory = _ => Math.Max(1, Environment.ProcessorCount) };
    public Option<int> CheckpointEvery { get; } = new("--checkpoint-every") { Description = "iterations between resumable checkpoints (0: none)", DefaultValueFactory = _ => 500 };

    public IEnumerable<Option> All => [Model, DataRoot, Results, Alpha, Scaling, Dropout, InitFanIn, Targets, Encoders, Layers, Iterations, BatchSize, LearningRate, WeightDecay, Device, Precision, Workers, CheckpointEvery];

    public AdapterConfig Adapter(ParseResult r) => new()
    {
        Alpha = r.GetValue(Alpha),
        Scaling = ScalingRuleNames.Parse(r.GetValue(Scaling)!),
        Dropout = r.GetValue(Dropout),
        InitFanIn = InitFanInNames.Parse(r.GetValue(InitFanIn)!),
        Targets = AdapterTargetNames.Parse(r.GetValue(Targets)!),
        Encoders = AdapterEncoderNames.Parse(r.GetValue(Encoders)!),
        Layers = LayerSelection.Parse(r.GetValue(Layers)!),
    };

    public TrainConfig Train(ParseResult r) => new()
    {
        Iterations = r.GetValue(Iterations),
        BatchSize = r.GetValue(BatchSize),
        LearningRate = r.GetValue(LearningRate),
        WeightDecay = r.GetValue(WeightDecay),
        Device = r.GetValue(Device)!,
        Precision = Precisions.Parse(r.GetValue(Precision)!),
        DataWorkers = r.GetValue(Workers),
        CheckpointEvery = r.GetValue(CheckpointEvery),
    };

    /// <summary>--precision with its default: auto for training and evaluation, fp32 where exact outputs are the point (encode).</summary>
    public static Option<string> PrecisionOption(string defaultValue) => new("--precision")
    {
        Description = "fp32 (exact parity), bf16, fp16 or auto (bf16 on a CPU with avx512_bf16/AMX or a GPU of compute capability >= 8.0, fp16 on older GPUs, else fp32)",
        DefaultValueFactory = _ => defaultValue,
    };

    public static IReadOnlyList<T> List<T>(string text, Func<string, T> parse) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(parse).ToList();

    public static int Int(string s) => int.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : throw new ArgumentException($"'{s}' is not an integer");
}
