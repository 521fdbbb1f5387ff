using BlockLora.Data;

namespace BlockLora.Workbook.Notebooks;

/// <summary>
/// Everything the notebooks need to know about where and how big to run: model, data, datasets, shots, seeds,
/// iterations, device and where results go. Two profiles: <see cref="Smoke"/> (the <c>blora demo</c> CLIP and its
/// held-out few-shot tasks on real images; minutes on a CPU, what CI runs) and <see cref="Paper"/> (ViT-B/16 and the eleven benchmarks with the protocol
/// of docs/method.md, on a GPU). Chosen by the <c>BLORA_PROFILE</c> environment variable (<see cref="FromEnvironment"/>).
/// Immutable: a notebook that wants a variation writes <c>profile with { DataWorkers = 1 }</c>. What a run computes (its
/// adapter, schedule, shots and seeds) is not restated here: the grid files of <see cref="ExperimentsDir"/> define every
/// run, and <see cref="MainRun"/>, <see cref="Adapter"/> and <see cref="Train"/> are read from the few-shot file.
/// Split by job: this file holds what a profile is; <c>WorkbookProfile.Profiles.cs</c> the two profiles,
/// <c>.Data.cs</c> its datasets, <c>.Runs.cs</c> its grid files and runs, <c>.Tables.cs</c> its tables,
/// <c>.Settings.cs</c> the setup notebook's listing.
/// </summary>
public sealed partial record WorkbookProfile
{
    public const string EnvironmentVariable = "BLORA_PROFILE";
    public const string SmokeName = "smoke";
    public const string PaperName = "paper";
    /// <summary>Set to 1 to let the paper profile train (hours of GPU); smoke always may.</summary>
    public const string RunVariable = "BLORA_RUN";

    public required string Name { get; init; }
    /// <summary>One line saying what the numbers of this profile are (shown above every table and chart).</summary>
    public required string Description { get; init; }
    public required string RepoRoot { get; init; }
    public required string ModelPath { get; init; }
    public required string DataRoot { get; init; }
    /// <summary>Writes the data when the profile builds it from installed packages (smoke); null when the data must already be there (paper).</summary>
    public Action<string>? PrepareData { get; init; }
    /// <summary>
    /// CoOp-layout datasets outside the catalog (<see cref="DatasetInfo.CustomCoOp"/>) that the dataset lists below may
    /// name; every run and sweep the profile builds carries them, so the readers resolve those names too.
    /// </summary>
    public IReadOnlyList<DatasetInfo> CustomDatasets { get; init; } = [];

    /// <summary>Few-shot benchmarks (02 zero-shot, 05 comparisons, 06 few-shot table).</summary>
    public required IReadOnlyList<string> Datasets { get; init; }
    /// <summary>The benchmark 03 trains on and 04 ablates on.</summary>
    public required string TrainDataset { get; init; }
    /// <summary>Cross-dataset protocol: train here (ImageNet in the papers) ...</summary>
    public required string CrossDatasetSource { get; init; }
    /// <summary>... and evaluate the adapter on these.</summary>
    public required IReadOnlyList<string> CrossDatasetTargets { get; init; }
    /// <summary>Domain generalisation: the source's classes in other domains (ImageNet-V2/-Sketch/-A/-R in the papers).</summary>
    public required IReadOnlyList<string> DomainTargets { get; init; }

    /// <summary>
    /// Base-to-new protocol (CoCoOp's base-to-novel): each of these trains on its first ⌈C/2⌉ classes and is scored on
    /// them and on the other ⌊C/2⌋ it never saw (<see cref="BaseToNewSweep"/>); every one needs at least 2 classes.
    /// </summary>
    public required IReadOnlyList<string> BaseToNewDatasets { get; init; }
    /// <summary>The seeds of the base-to-new runs (<see cref="Seeds"/> unless the profile has to save time there).</summary>
    public required IReadOnlyList<int> BaseToNewSeeds { get; init; }

    public required IReadOnlyList<int> Shots { get; init; }
    public required IReadOnlyList<int> Seeds { get; init; }
    /// <summary>Shots of 03's run, the ablations and the cross-dataset source (16 in the papers).</summary>
    public required int MainShots { get; init; }

    /// <summary>Where runs compute: cpu, cuda or cuda:N (not part of what a grid file says; the machine decides it).</summary>
    public required string Device { get; init; }
    /// <summary>Image decoding threads of every run.</summary>
    public int DataWorkers { get; init; } = Math.Max(1, Environment.ProcessorCount);
    /// <summary>Iterations between resumable checkpoints (0: none; short smoke runs need none).</summary>
    public int CheckpointEvery { get; init; }
    /// <summary>libtorch intra-op threads (0: leave libtorch's default). One thread is fastest for the tiny model on a shared CPU.</summary>
    public int TorchThreads { get; init; }

    /// <summary>Results store root (results.csv, runs/).</summary>
    public required string ResultsDir { get; init; }
    public required string FiguresDir { get; init; }
    /// <summary>The published numbers (CSV files with their sources).</summary>
    public string PaperDir => Path.Combine(RepoRoot, "results", "paper");
    /// <summary>
    /// This profile's ablation grid files (<c>experiments/&lt;profile name&gt;/*.yaml</c>, read by <see cref="SweepGridFile"/>),
    /// which 04 runs on <see cref="TrainDataset"/> at <see cref="MainShots"/>, first seed (<see cref="AblationSweep"/>).
    /// </summary>
    public string ExperimentsDir => Path.Combine(RepoRoot, "experiments", Name);
    public bool IsSmoke => Name == SmokeName;

    /// <summary>Whether notebooks and scripts may start training: always for smoke (minutes on a CPU); for the paper profile only with <see cref="RunVariable"/>=1.</summary>
    public bool TrainingAllowed => IsSmoke || Environment.GetEnvironmentVariable(RunVariable) == "1";
    /// <summary>
    /// What the "ours" columns beside the published numbers are called: in the smoke profile they come from the toy demo
    /// CLIP on the demo tasks, not from ViT-B/16 on the benchmarks, and the tables say so in every header.
    /// </summary>
    public string OursLabel => IsSmoke ? "ours: smoke demo" : "ours";
    /// <summary>The backbone name results rows carry (the model file's name without extension, as <see cref="RunSpec.Backbone"/>).</summary>
    public string Backbone => Path.GetFileNameWithoutExtension(Path.TrimEndingDirectorySeparator(ModelPath));

}
