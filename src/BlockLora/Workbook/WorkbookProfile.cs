using System.Globalization;
using BlockLora.Adapters;
using BlockLora.Data;
using BlockLora.Experiments;
using BlockLora.Training;

namespace BlockLora.Workbook;

/// <summary>
/// Everything the notebooks need to know about where and how big to run: model, data, datasets, shots, seeds,
/// iterations, device and where results go. Two profiles: <see cref="Smoke"/> (tiny model and generated data;
/// minutes on a CPU, what CI runs) and <see cref="Paper"/> (ViT-B/16 and the eleven benchmarks with the protocol
/// of docs/method.md, on a GPU). Chosen by the <c>BLORA_PROFILE</c> environment variable (<see cref="FromEnvironment"/>).
/// Immutable: a notebook that wants a variation writes <c>profile with { Seeds = [1] }</c>.
/// </summary>
public sealed record WorkbookProfile
{
    public const string EnvironmentVariable = "BLORA_PROFILE";
    public const string SmokeName = "smoke";
    public const string PaperName = "paper";

    public required string Name { get; init; }
    /// <summary>One line saying what the numbers of this profile are (shown above every table and chart).</summary>
    public required string Description { get; init; }
    public required string RepoRoot { get; init; }
    public required string ModelPath { get; init; }
    public required string DataRoot { get; init; }
    /// <summary>Writes the data when it is generated (smoke); null when the data must already be there (paper).</summary>
    public Action<string>? PrepareData { get; init; }

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

    public required IReadOnlyList<int> Shots { get; init; }
    public required IReadOnlyList<int> Seeds { get; init; }
    /// <summary>Shots of 03's run, the ablation and the cross-dataset source (16 in the papers).</summary>
    public required int MainShots { get; init; }
    public required IReadOnlyList<int> AblationRanks { get; init; }
    /// <summary>Block counts n of the ablation; n = 1 is LoRA.</summary>
    public required IReadOnlyList<int> AblationBlocks { get; init; }

    /// <summary>Adapter defaults (r, n, alpha, dropout, targets); ablations vary r and n.</summary>
    public required AdapterConfig Adapter { get; init; }
    /// <summary>Training defaults; <see cref="TrainConfig.IterationsPerShot"/> sets the length, shots and seed come per run.</summary>
    public required TrainConfig Train { get; init; }
    /// <summary>libtorch intra-op threads (0: leave libtorch's default). One thread is fastest for the tiny model on a shared CPU.</summary>
    public int TorchThreads { get; init; }

    /// <summary>Results store root (results.csv, runs/).</summary>
    public required string ResultsDir { get; init; }
    public required string FiguresDir { get; init; }
    /// <summary>The published numbers (CSV files with their sources).</summary>
    public string PaperDir => Path.Combine(RepoRoot, "results", "paper");
    public string ResultsCsv => Path.Combine(ResultsDir, "results.csv");
    public bool IsSmoke => Name == SmokeName;
    /// <summary>The backbone name results rows carry (the model file's name without extension, as <see cref="RunSpec.Backbone"/>).</summary>
    public string Backbone => Path.GetFileNameWithoutExtension(Path.TrimEndingDirectorySeparator(ModelPath));

    /// <summary>This profile's results (its backbone only), averaged over seeds.</summary>
    public IReadOnlyList<Results.MethodSummary> Summaries() =>
        Results.ResultsSummary.MeanOverSeeds(Results.ResultsSummary.Load(ResultsCsv).Where(r => r.Backbone == Backbone));

    /// <summary>
    /// The smoke profile: small model and data, minutes on a CPU. THE place to point it elsewhere (e.g. at the
    /// <c>blora demo</c> model and its held-out tasks): change <c>ModelPath</c>, <c>DataRoot</c>, the dataset names
    /// and <c>PrepareData</c> here; every notebook follows.
    /// </summary>
    public static WorkbookProfile Smoke(string repoRoot)
    {
        string root = Path.GetFullPath(repoRoot);
        return new WorkbookProfile
        {
            Name = SmokeName,
            Description = "smoke: tiny randomly initialised CLIP (test fixture clip-tiny) on generated shape/texture images; "
                + "checks that the workbook runs end to end, says nothing about Block-LoRA's accuracy",
            RepoRoot = root,
            ModelPath = Path.Combine(root, "tests", "BlockLora.Tests", "fixtures", "clip-tiny", "openai.safetensors"),
            DataRoot = Path.Combine(root, "results", "smoke", "data"),
            PrepareData = dataRoot => SmokeData.EnsureSuite(dataRoot),
            Datasets = [DatasetCatalog.ImageNet.Name, DatasetCatalog.OxfordPets.Name, DatasetCatalog.Dtd.Name],
            TrainDataset = DatasetCatalog.OxfordPets.Name,
            CrossDatasetSource = DatasetCatalog.ImageNet.Name,
            CrossDatasetTargets = [DatasetCatalog.OxfordPets.Name, DatasetCatalog.Dtd.Name],
            DomainTargets = [DatasetCatalog.ImageNetSketch.Name],
            Shots = [1, 2, 4],
            Seeds = [1, 2],
            MainShots = 4,
            AblationRanks = [1, 2, 4],
            AblationBlocks = [1, 2, 4, 8],
            Adapter = new AdapterConfig { Method = AdapterMethod.BlockLora, Rank = 2, Blocks = 8 },
            // 10 steps per shot at lr 1e-2 (the protocol's 500 at 2e-4 would take hours here and barely move a random model).
            Train = new TrainConfig { IterationsPerShot = 10, BatchSize = 16, LearningRate = 1e-2, MinLearningRate = 1e-4, DataWorkers = 1, CheckpointEvery = 0, Device = "cpu" },
            TorchThreads = 1,
            ResultsDir = Path.Combine(root, "results", "smoke"),
            FiguresDir = Path.Combine(root, "results", "figures", SmokeName),
        };
    }

    /// <summary>
    /// The paper profile: OpenAI ViT-B/16 and the eleven benchmarks with docs/method.md's protocol (r = 2, 500 × shots
    /// iterations, batch 32, lr 2e-4, seeds 1–3, shots 1–16) on CUDA. Model from <c>BLORA_MODEL</c> (default
    /// <c>~/.cache/clip/ViT-B-16.pt</c>, where data-scripts/download-clip-weights.sh puts it), data from
    /// <c>BLORA_DATA</c> (default <c>data/</c> in the repository), device from <c>BLORA_DEVICE</c> (default cuda).
    /// </summary>
    public static WorkbookProfile Paper(string repoRoot)
    {
        string root = Path.GetFullPath(repoRoot);
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        string device = Environment.GetEnvironmentVariable("BLORA_DEVICE") is { Length: > 0 } d ? d : "cuda";
        return new WorkbookProfile
        {
            Name = PaperName,
            Description = "paper: OpenAI CLIP ViT-B/16, the eleven CoOp benchmarks, docs/method.md's protocol (seeds 1-3)",
            RepoRoot = root,
            ModelPath = Environment.GetEnvironmentVariable("BLORA_MODEL") is { Length: > 0 } m ? m : Path.Combine(home, ".cache", "clip", "ViT-B-16.pt"),
            DataRoot = Environment.GetEnvironmentVariable("BLORA_DATA") is { Length: > 0 } data ? data : Path.Combine(root, "data"),
            Datasets = DatasetCatalog.Benchmarks.Select(b => b.Name).ToArray(),
            TrainDataset = DatasetCatalog.OxfordPets.Name,
            CrossDatasetSource = DatasetCatalog.ImageNet.Name,
            CrossDatasetTargets = DatasetCatalog.Benchmarks.Where(b => b != DatasetCatalog.ImageNet).Select(b => b.Name).ToArray(),
            DomainTargets = DatasetCatalog.ImageNetVariants.Select(v => v.Name).ToArray(),
            Shots = [1, 2, 4, 8, 16],
            Seeds = [1, 2, 3],
            MainShots = 16,
            AblationRanks = [1, 2, 4, 8],
            AblationBlocks = [1, 2, 4, 8, 16],
            Adapter = new AdapterConfig { Method = AdapterMethod.BlockLora, Rank = 2, Blocks = 8 },
            Train = new TrainConfig { Device = device, DataWorkers = Math.Max(1, Environment.ProcessorCount), CheckpointEvery = 500 },
            ResultsDir = Path.Combine(root, "results"),
            FiguresDir = Path.Combine(root, "results", "figures", PaperName),
        };
    }

    /// <summary>The profile named by <c>BLORA_PROFILE</c> (smoke when unset), for the repository that contains the working directory.</summary>
    public static WorkbookProfile FromEnvironment(string? repoRoot = null) =>
        ByName(Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } name ? name : SmokeName, repoRoot);

    public static WorkbookProfile ByName(string name, string? repoRoot = null)
    {
        string root = repoRoot ?? FindRepoRoot(Directory.GetCurrentDirectory());
        return name.Trim().ToLowerInvariant() switch
        {
            SmokeName => Smoke(root),
            PaperName => Paper(root),
            _ => throw new ArgumentException($"unknown workbook profile '{name}' (use {SmokeName} or {PaperName})"),
        };
    }

    /// <summary>The nearest folder at or above <paramref name="start"/> holding BlockLora.Research.sln.</summary>
    public static string FindRepoRoot(string start)
    {
        for (var dir = new DirectoryInfo(Path.GetFullPath(start)); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "BlockLora.Research.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"no BlockLora.Research.sln at or above {start}; open the notebooks from the repository's notebooks/ folder");
    }

    /// <summary>Every dataset the profile reads.</summary>
    public IReadOnlyList<string> AllDatasets =>
        Datasets.Append(TrainDataset).Append(CrossDatasetSource).Concat(CrossDatasetTargets).Concat(DomainTargets)
            .Select(d => DatasetCatalog.Get(d).Name).Distinct().ToArray();

    /// <summary>Writes generated data if the profile has any, creates the output folders, and returns what is missing (empty: ready).</summary>
    public IReadOnlyList<string> Prepare()
    {
        PrepareData?.Invoke(DataRoot);
        Directory.CreateDirectory(ResultsDir);
        Directory.CreateDirectory(FiguresDir);
        var problems = new List<string>();
        if (!File.Exists(ModelPath) && !Directory.Exists(ModelPath))
            problems.Add($"model not found: {ModelPath} (paper: data-scripts/download-clip-weights.sh, or set BLORA_MODEL)");
        foreach (var check in DataCheck.Run(DataRoot, AllDatasets.Select(DatasetCatalog.Get)).Where(c => !c.IsPresent))
            problems.Add($"{check.Dataset.Name}: {check.Problem} ({check.MissingPath}); {check.Fix}");
        return problems;
    }

    /// <summary>The settings as (setting, value) rows, for the setup notebook's table.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Settings() =>
    [
        new("profile", Name),
        new("what the numbers are", Description),
        new("model", ModelPath),
        new("data root", DataRoot),
        new("datasets", string.Join(", ", Datasets)),
        new("train / ablation dataset", TrainDataset),
        new("cross-dataset", $"{CrossDatasetSource} → {string.Join(", ", CrossDatasetTargets)}"),
        new("domain generalisation", $"{CrossDatasetSource} → {string.Join(", ", DomainTargets)}"),
        new("shots", string.Join(", ", Shots)),
        new("seeds", string.Join(", ", Seeds)),
        new("iterations", $"{Train.IterationsPerShot} × shots (batch {Train.BatchSize}, lr {Train.LearningRate.ToString("G3", CultureInfo.InvariantCulture)} → {Train.MinLearningRate.ToString("G3", CultureInfo.InvariantCulture)})"),
        new("adapter", $"r = {Adapter.Rank}, n = {Adapter.Blocks}, alpha = {Adapter.Alpha.ToString(CultureInfo.InvariantCulture)}, dropout {Adapter.Dropout.ToString(CultureInfo.InvariantCulture)}, {AdapterTargetNames.Format(Adapter.Targets)}, {AdapterEncoderNames.Format(Adapter.Encoders)}"),
        new("ablation", $"r ∈ {{{string.Join(", ", AblationRanks)}}} × n ∈ {{{string.Join(", ", AblationBlocks)}}} at {MainShots} shots"),
        new("device", Train.Device + (TorchThreads > 0 ? $" ({TorchThreads} torch thread{(TorchThreads == 1 ? "" : "s")})" : "")),
        new("results", ResultsDir),
        new("figures", FiguresDir),
    ];

    /// <summary>Training settings for one run of <paramref name="shots"/> shots.</summary>
    public TrainConfig TrainFor(int shots, int seed = 1) => Train with { Shots = shots, Seed = seed };

    /// <summary>One run of this profile.</summary>
    public RunSpec Run(string dataset, string method, int shots, int seed = 1, int? rank = null, int? blocks = null) => new()
    {
        ModelPath = ModelPath,
        DataRoot = DataRoot,
        Dataset = DatasetCatalog.Get(dataset).Name,
        Method = RunMethods.Validate(method),
        Shots = shots,
        Seed = seed,
        Adapter = Adapter with { Rank = rank ?? Adapter.Rank, Blocks = blocks ?? Adapter.Blocks },
        Train = Train,
        ResultsDir = ResultsDir,
    };

    /// <summary>The comparison grid of 05: zero-shot, LoRA and Block-LoRA over datasets × shots × seeds.</summary>
    public SweepConfig ComparisonSweep() => new()
    {
        ModelPath = ModelPath,
        DataRoot = DataRoot,
        Datasets = Datasets.Select(d => DatasetCatalog.Get(d).Name).ToArray(),
        Shots = Shots,
        Seeds = Seeds,
        Methods = [RunMethods.ZeroShot, RunMethods.Lora, RunMethods.BlockLora],
        Ranks = [Adapter.Rank],
        Blocks = [Adapter.Blocks],
        Adapter = Adapter,
        Train = Train,
        ResultsDir = ResultsDir,
    };

    /// <summary>The ablation grid of 04: rank × block count (n = 1 is LoRA) on <see cref="TrainDataset"/>, first seed.</summary>
    public IReadOnlyList<SweepConfig> AblationSweeps()
    {
        var common = new SweepConfig
        {
            ModelPath = ModelPath,
            DataRoot = DataRoot,
            Datasets = [DatasetCatalog.Get(TrainDataset).Name],
            Shots = [MainShots],
            Seeds = [Seeds[0]],
            Ranks = AblationRanks,
            Adapter = Adapter,
            Train = Train,
            ResultsDir = ResultsDir,
        };
        var sweeps = new List<SweepConfig>();
        if (AblationBlocks.Contains(1)) sweeps.Add(common with { Methods = [RunMethods.Lora], Blocks = [1] });
        var blocks = AblationBlocks.Where(n => n > 1).ToArray();
        if (blocks.Length > 0) sweeps.Add(common with { Methods = [RunMethods.BlockLora], Blocks = blocks });
        return sweeps;
    }
}
