using BlockLora.Adapters;
using BlockLora.Data;
using BlockLora.Torch;
using BlockLora.Training;

namespace BlockLora.Experiments;

/// <summary>
/// One few-shot run: dataset, shots, seed, method and the adapter/training configs. Its
/// <see cref="RunFolder"/> and the results row carry its <see cref="RunIdentity"/>, so sweeps resume and runs never collide.
/// <see cref="Shots"/> and <see cref="Seed"/> are the run's only shot count and seed: sampling, training and the
/// adapter's initialisation all take them from here (<see cref="ResolvedAdapter"/>).
/// </summary>
public sealed record RunSpec
{
    public required string ModelPath { get; init; }
    public required string DataRoot { get; init; }
    public required string Dataset { get; init; }
    public required AdapterMethod Method { get; init; }
    public int Shots { get; init; } = 16;
    public int Seed { get; init; } = 1;
    /// <summary>The adapter's settings; its method and seed are <see cref="Method"/> and <see cref="Seed"/> (see <see cref="ResolvedAdapter"/>).</summary>
    public AdapterOptions Adapter { get; init; } = new();
    public TrainConfig Train { get; init; } = new();
    /// <summary>Root of the results store (<c>results.csv</c>, <c>runs/</c>).</summary>
    public string ResultsDir { get; init; } = "results";
    /// <summary>Datasets evaluated with this run's adapter besides its own (cross-dataset / domain generalization).</summary>
    public IReadOnlyList<string> AlsoEvaluateOn { get; init; } = [];
    /// <summary>Few-shot file list to use instead of sampling (a 2SFS .jsonl or this project's selection .json).</summary>
    public string? SplitFile { get; init; }
    public bool Resume { get; init; } = true;
    /// <summary>
    /// The classes the run trains and is scored on (<see cref="ClassSubsets"/>): all, or base, which is scored on both
    /// halves of the base-to-new split. Training on the new half is refused: those classes must stay unseen.
    /// </summary>
    public ClassSubset Classes { get; init; } = ClassSubset.All;
    /// <summary>CoOp-layout datasets outside the catalog (see <see cref="DatasetInfo.CustomCoOp"/>) that <see cref="Dataset"/> and <see cref="AlsoEvaluateOn"/> may name.</summary>
    public IReadOnlyList<DatasetInfo> CustomDatasets { get; init; } = [];

    /// <summary>What a dataset name of this spec refers to: a custom dataset, else the catalog entry.</summary>
    public DatasetInfo ResolveDataset(string name) => DatasetCatalog.Resolve(name, CustomDatasets);

    public bool IsZeroShot => Method == AdapterMethod.ZeroShot;

    /// <summary>The class subsets this run is scored on: its own, and the new half too for a base run.</summary>
    public IReadOnlyList<ClassSubset> ScoredClasses => Classes == ClassSubset.Base ? [ClassSubset.Base, ClassSubset.New] : [Classes];

    /// <summary>
    /// The rows this run writes, each as the arguments of <see cref="RunIdentity.Of"/>: its own dataset on every half it is
    /// scored on (<see cref="ScoredClasses"/>; the run's own half is null), then every <see cref="AlsoEvaluateOn"/> dataset on all classes.
    /// </summary>
    public IReadOnlyList<(string EvalDataset, ClassSubset? EvalClasses)> RowKeys =>
    [
        .. ScoredClasses.Select(c => ("", c == Classes ? (ClassSubset?)null : c)),
        .. AlsoEvaluateOn.Select(d => (ResolveDataset(d).Name, (ClassSubset?)null)),
    ];

    /// <summary>
    /// Refuses training on the new half (base-to-new keeps those classes unseen; zero-shot may score them), DoRA without an
    /// additive method, and an adapter config that cannot be (<see cref="AdapterConfig.Validate"/>), before a run folder exists.
    /// </summary>
    public void CheckClasses()
    {
        if (IsZeroShot && Adapter.Dora)
            throw new ArgumentException("--dora needs an additive method (lora or block-lora); zero-shot has no adapter to decompose");
        if (IsZeroShot && Adapter.VeraDInitial != VeraAdapter.DefaultDInitial)
            throw new ArgumentException("--vera-d-initial sets VeRA's initial λ_d; zero-shot has no adapter");
        if (!IsZeroShot) ResolvedAdapter.Validate();
        if (!IsZeroShot && Classes == ClassSubset.New)
            throw new ArgumentException("training on the new classes would make them seen: train with --classes base (its runs are scored on the new half too), or score new classes zero-shot");
    }

    /// <summary>The adapter this run trains: <see cref="Adapter"/> with the run's method, its block count and its seed.</summary>
    public AdapterConfig ResolvedAdapter => AdapterConfig.Of(Method, Seed, Adapter with { Blocks = Method.Blocks(Adapter.Blocks) });

    /// <summary>Optimizer steps of this run (its shot count into <see cref="TrainConfig.TotalIterations"/>); 0 for zero-shot.</summary>
    public int Iterations => IsZeroShot ? 0 : Train.TotalIterations(Shots);

    /// <summary>The dtype this run computes in on its device: <see cref="TrainConfig.Precision"/> resolved (auto → bf16, fp16 or fp32).</summary>
    public TorchSharp.torch.ScalarType ComputeDType => PrecisionSelection.ResolveFor(Train.Precision, Train.Device);

    public string Backbone => Path.GetFileNameWithoutExtension(Path.TrimEndingDirectorySeparator(ModelPath));

    /// <summary>
    /// <c>runs/&lt;backbone&gt;/&lt;dataset&gt;/&lt;k&gt;shot/seed&lt;s&gt;/&lt;method&gt;-r…-n…-&lt;short id&gt;</c>: a readable slug of the
    /// main settings and the first digits of <see cref="RunIdentity"/>, so runs that differ in any other setting (lr,
    /// batch size, dropout, ...) never share a folder.
    /// </summary>
    public string RunFolder => RunFolderOf(RunIdentity.Of(this), ComputeDType);

    /// <summary>
    /// This run's settings resolved once, on this machine: its datasets, its device and compute dtype (the device is
    /// parsed, so a CUDA run needs CUDA here), its identity and run folder. A run executes from these; only planning
    /// (listing a sweep, naming a table's runs) reads the unresolved spec.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown dataset, a device this machine lacks, or a precision it cannot compute in.</exception>
    public ResolvedRun Resolve() => Resolve(ResolveDatasets());

    /// <summary>The run's datasets, resolved once: its own first, then <see cref="AlsoEvaluateOn"/> in order (what the data check takes before a model is read).</summary>
    public IReadOnlyList<DatasetInfo> ResolveDatasets() => [ResolveDataset(Dataset), .. AlsoEvaluateOn.Select(ResolveDataset)];

    /// <summary><see cref="Resolve()"/> with the datasets <see cref="ResolveDatasets"/> gave (the data check's), so they resolve once per run.</summary>
    public ResolvedRun Resolve(IReadOnlyList<DatasetInfo> datasets)
    {
        var dataset = datasets[0];
        var target = ComputeTarget.Resolve(Train.Precision, Train.Device);
        var identity = RunIdentity.Of(this, dataset, null, null, target.DType);
        return new ResolvedRun
        {
            Spec = this,
            Dataset = dataset,
            AlsoEvaluateOn = datasets.Skip(1).ToArray(),
            Target = target,
            Identity = identity,
            RunFolder = RunFolderOf(identity, target.DType),
        };
    }

    private string RunFolderOf(RunIdentity identity, TorchSharp.torch.ScalarType dtype) => Path.Combine(ResultsDir, "runs", Sanitize(Backbone), Sanitize(Dataset),
        IsZeroShot ? "zero-shot" : $"{Shots}shot", IsZeroShot ? "" : $"seed{Seed}",
        IsZeroShot ? identity.ShortId
            : $"{AdapterMethods.Format(Method)}-r{Adapter.Rank}-n{Method.Blocks(Adapter.Blocks)}-{PrecisionSelection.Name(dtype)}-{identity.ShortId}");

    private static string Sanitize(string s) => string.Concat(s.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));
}
