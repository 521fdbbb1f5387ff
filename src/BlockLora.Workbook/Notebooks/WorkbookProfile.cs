using System.Globalization;
using BlockLora.Adapters;
using BlockLora.Data;
using BlockLora.Experiments;
using BlockLora.Results;
using BlockLora.Training;
using BlockLora.Workbook.Demo;

namespace BlockLora.Workbook.Notebooks;

/// <summary>
/// Everything the notebooks need to know about where and how big to run: model, data, datasets, shots, seeds,
/// iterations, device and where results go. Two profiles: <see cref="Smoke"/> (the <c>blora demo</c> CLIP and its
/// held-out few-shot tasks on real images; minutes on a CPU, what CI runs) and <see cref="Paper"/> (ViT-B/16 and the eleven benchmarks with the protocol
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

    /// <summary>Adapter defaults (r, n, alpha, dropout, targets); the ablation grid files (<see cref="ExperimentsDir"/>) vary them.</summary>
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
    /// <summary>
    /// This profile's ablation grid files (<c>experiments/&lt;profile name&gt;/*.yaml</c>, read by <see cref="SweepGridFile"/>),
    /// which 04 runs on <see cref="TrainDataset"/> at <see cref="MainShots"/>, first seed (<see cref="AblationSweep"/>).
    /// </summary>
    public string ExperimentsDir => Path.Combine(RepoRoot, "experiments", Name);
    public bool IsSmoke => Name == SmokeName;
    /// <summary>
    /// What the "ours" columns beside the published numbers are called: in the smoke profile they come from the toy demo
    /// CLIP on the demo tasks, not from ViT-B/16 on the benchmarks, and the tables say so in every header.
    /// </summary>
    public string OursLabel => IsSmoke ? "ours: smoke demo" : "ours";
    /// <summary>The backbone name results rows carry (the model file's name without extension, as <see cref="RunSpec.Backbone"/>).</summary>
    public string Backbone => Path.GetFileNameWithoutExtension(Path.TrimEndingDirectorySeparator(ModelPath));

    /// <summary>
    /// The smoke profile: the small CLIP this project pretrained for <c>blora demo</c> (6 Fashion-MNIST classes) and
    /// few-shot tasks on real images it never saw (<see cref="DemoWorkbookData"/>), with the demo's short schedules;
    /// minutes on a CPU. THE place to point it elsewhere: change <c>ModelPath</c>, <c>DataRoot</c>, <c>PrepareData</c>,
    /// <c>CustomDatasets</c> and the dataset names here; every notebook follows.
    /// </summary>
    public static WorkbookProfile Smoke(string repoRoot)
    {
        string root = Path.GetFullPath(repoRoot);
        return new WorkbookProfile
        {
            Name = SmokeName,
            // Shown above every table and chart (wrapped at ~110 characters in charts), so one short honest sentence.
            Description = "smoke: small CLIP pretrained by this project on 6 Fashion-MNIST classes, adapted to classes it never saw "
                + "(held-out Fashion-MNIST classes, digits) with the demo's iteration counts, not the paper protocol",
            RepoRoot = root,
            ModelPath = Path.Combine(root, "src", "BlockLora.Workbook", "Demo", "Assets", DemoModel.FileName),
            DataRoot = Path.Combine(root, "results", "smoke", "data"),
            PrepareData = dataRoot => DemoWorkbookData.Ensure(dataRoot),
            CustomDatasets = DemoWorkbookData.Datasets,
            Datasets = [DemoTasks.FashionName, DemoTasks.DigitsName],
            TrainDataset = DemoTasks.FashionName,
            CrossDatasetSource = DemoTasks.FashionName,
            CrossDatasetTargets = [DemoTasks.DigitsName, DemoTasks.FashionSeenName],
            DomainTargets = [DemoTasks.FashionNegativeName],
            // Base / new halves: FashionHeldOut sandal, sneaker / bag, ankle boot; Digits 0-4 / 5-9. Both seeds fit the
            // notebooks' time budget: the 10 runs added 27-33 s to 05 on 2 cores.
            BaseToNewDatasets = [DemoTasks.FashionName, DemoTasks.DigitsName],
            BaseToNewSeeds = [1, 2],
            Shots = [1, 2, 4],
            Seeds = [1, 2, 3],
            MainShots = 4,
            // n = 4 as the demo's middle block count (blocks of 32 of the 128 features; n = 8, the paper's choice for
            // width 768, leaves blocks of 16).
            Adapter = new AdapterConfig { Method = AdapterMethod.BlockLora, Rank = 2, Blocks = 4 },
            // The demo's schedule (60 + 10 × shots steps at lr 5e-3, whole-image crops); the protocol's 500 × shots at
            // 2e-4 would take hours here.
            Train = DemoConfig.Schedule with { DataWorkers = Math.Max(1, Environment.ProcessorCount), Device = "cpu" },
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
            BaseToNewDatasets = DatasetCatalog.Benchmarks.Select(b => b.Name).ToArray(),
            BaseToNewSeeds = [1, 2, 3],
            Shots = [1, 2, 4, 8, 16],
            Seeds = [1, 2, 3],
            MainShots = 16,
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

    /// <summary>What a dataset name of this profile refers to: one of its <see cref="CustomDatasets"/>, else the catalog entry.</summary>
    /// <exception cref="ArgumentException">Neither knows the name; the message lists both.</exception>
    public DatasetInfo ResolveDataset(string name) => DatasetCatalog.Resolve(name, CustomDatasets);

    /// <summary>Reads a dataset of this profile (catalog or custom) from <see cref="DataRoot"/>.</summary>
    public DatasetSplits ReadDataset(string name) => DatasetReader.Read(DataRoot, ResolveDataset(name));

    /// <summary>Every dataset the profile reads.</summary>
    public IReadOnlyList<string> AllDatasets =>
        Datasets.Append(TrainDataset).Append(CrossDatasetSource).Concat(CrossDatasetTargets).Concat(DomainTargets).Concat(BaseToNewDatasets)
            .Select(d => ResolveDataset(d).Name).Distinct().ToArray();

    /// <summary>Writes the profile's data if it builds any, creates the output folders, and returns what is missing (empty: ready).</summary>
    public IReadOnlyList<string> Prepare()
    {
        var problems = new List<string>();
        bool dataWritten = true;
        try
        {
            PrepareData?.Invoke(DataRoot);
        }
        catch (DemoDataMissingException e)
        {
            // The message already names the file and the apt-get command; the per-dataset lines below would only
            // repeat it with a misleading "download" fix, so they are left out.
            problems.Add($"data: {e.Message}");
            dataWritten = false;
        }
        Directory.CreateDirectory(ResultsDir);
        Directory.CreateDirectory(FiguresDir);
        if (!File.Exists(ModelPath) && !Directory.Exists(ModelPath))
            problems.Add($"model not found: {ModelPath} (paper: data-scripts/download-clip-weights.sh, or set BLORA_MODEL)");
        if (dataWritten)
            foreach (var check in DataCheck.Run(DataRoot, AllDatasets.Select(ResolveDataset)).Where(c => !c.IsPresent))
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
        new("custom datasets", CustomDatasets.Count == 0 ? "none" : string.Join("; ", CustomDatasets.Select(d => $"{d.Name} ({d.Source})"))),
        new("datasets", string.Join(", ", Datasets)),
        new("train / ablation dataset", TrainDataset),
        new("cross-dataset", $"{CrossDatasetSource} → {string.Join(", ", CrossDatasetTargets)}"),
        new("domain generalisation", $"{CrossDatasetSource} → {string.Join(", ", DomainTargets)}"),
        new("base-to-new", $"{string.Join(", ", BaseToNewDatasets)}: train on the first half of the classes, score both halves ({MainShots} shots, seed{(BaseToNewSeeds.Count == 1 ? "" : "s")} {string.Join(", ", BaseToNewSeeds)})"),
        new("shots", string.Join(", ", Shots)),
        new("seeds", string.Join(", ", Seeds)),
        new("iterations", $"{(Train.IterationsBase > 0 ? $"{Train.IterationsBase} + " : "")}{Train.IterationsPerShot} × shots (batch {Train.BatchSize}, lr {Train.LearningRate.ToString("G3", CultureInfo.InvariantCulture)} → {Train.MinLearningRate.ToString("G3", CultureInfo.InvariantCulture)})"),
        new("adapter", $"r = {Adapter.Rank}, n = {Adapter.Blocks}, alpha = {Adapter.Alpha.ToString(CultureInfo.InvariantCulture)}, dropout {Adapter.Dropout.ToString(CultureInfo.InvariantCulture)}, {AdapterTargetNames.Format(Adapter.Targets)}, {AdapterEncoderNames.Format(Adapter.Encoders)}"),
        new("ablation", AblationDescription()),
        new("device", Train.Device + (TorchThreads > 0 ? $" ({TorchThreads} torch thread{(TorchThreads == 1 ? "" : "s")})" : "")),
        new("results", ResultsDir),
        new("figures", FiguresDir),
    ];

    /// <summary>The ablation grid files and where they run, e.g. <c>experiments/smoke/: ablation-encoders.yaml, ... on FashionHeldOut, 4 shots, seed 1</c>.</summary>
    private string AblationDescription()
    {
        string where = $"on {TrainDataset}, {MainShots} shots, seed {Seeds[0]}";
        string dir = Path.GetRelativePath(RepoRoot, ExperimentsDir) + "/";
        var files = AblationGridNames();
        return files.Count == 0 ? $"no grid files in {dir} (04 reads its ablations from there)" : $"{dir}: {string.Join(", ", files.Select(f => f + ".yaml"))} {where}";
    }

    /// <summary>The ablation grid files of <see cref="ExperimentsDir"/> by name (without <c>.yaml</c>), sorted.</summary>
    public IReadOnlyList<string> AblationGridNames() => Directory.Exists(ExperimentsDir)
        ? Directory.EnumerateFiles(ExperimentsDir, "*.yaml").Select(f => Path.GetFileNameWithoutExtension(f)).Order(StringComparer.Ordinal).ToArray()
        : [];

    /// <summary>
    /// What every run of this profile starts from: model, data root, results folder, custom datasets, the profile's
    /// <see cref="Adapter"/> and <see cref="Train"/>; the dataset is empty and the method Block-LoRA until a run or a grid sets them.
    /// </summary>
    public RunSpec BaseRun => new()
    {
        ModelPath = ModelPath,
        DataRoot = DataRoot,
        Dataset = "",
        Method = AdapterMethod.BlockLora,
        Adapter = Adapter.Options,
        Train = Train,
        ResultsDir = ResultsDir,
        CustomDatasets = CustomDatasets,
    };

    /// <summary>One run of this profile.</summary>
    public RunSpec Run(string dataset, AdapterMethod method, int shots, int seed = 1, int? rank = null, int? blocks = null) => BaseRun with
    {
        Dataset = ResolveDataset(dataset).Name,
        Method = method,
        Shots = shots,
        Seed = seed,
        Adapter = Adapter.Options with { Rank = rank ?? Adapter.Rank, Blocks = blocks ?? Adapter.Blocks },
    };

    /// <summary>The few-shot comparison of 05: exactly the runs of <c>experiments/&lt;profile&gt;/fewshot.yaml</c>.</summary>
    public SweepConfig ComparisonSweep() => TableSweep("fewshot");

    /// <summary>The base-to-new protocol of 05: exactly the runs of <c>experiments/&lt;profile&gt;/base-to-new.yaml</c> (each scored on base and new).</summary>
    public SweepConfig BaseToNewSweep() => TableSweep("base-to-new");

    /// <summary>
    /// What every table grid of this profile starts from: blora train's defaults (<see cref="RunSettings.Defaults"/>, the
    /// same base <c>blora sweep --grid</c> and <c>blora tables</c> use, so a file means the same runs everywhere) with this
    /// profile's model, data, results folder, custom datasets, device and threads; the grid file sets everything else.
    /// </summary>
    public RunSpec TableBase
    {
        get
        {
            var defaults = RunSettings.Defaults();
            return defaults with
            {
                ModelPath = ModelPath,
                DataRoot = DataRoot,
                ResultsDir = ResultsDir,
                CustomDatasets = CustomDatasets,
                Train = defaults.Train with { Device = Train.Device, DataWorkers = Train.DataWorkers, CheckpointEvery = Train.CheckpointEvery },
            };
        }
    }

    /// <summary>The grid file <paramref name="gridName"/> of <see cref="ExperimentsDir"/> as a sweep over <see cref="TableBase"/>: the file defines every run.</summary>
    public SweepConfig TableSweep(string gridName) => new() { Base = TableBase, Grids = [ReadGridFile(gridName).Grid] };

    /// <summary>The grid files of <see cref="ExperimentsDir"/> that declare a table (<c>table:</c>), by name.</summary>
    public IReadOnlyList<string> TableGridNames() =>
        AblationGridNames().Where(n => SweepGridFile.ReadFile(AblationFile(n)).Table.Length > 0).ToArray();

    /// <summary>What <c>blora tables</c> builds for this profile: every table grid of <see cref="ExperimentsDir"/> over <see cref="ResultsDir"/>.</summary>
    public Tables.TablesConfig TablesConfig(string? outputDir = null) => new()
    {
        ResultsDir = ResultsDir,
        GridFiles = TableGridNames().Select(AblationFile).ToArray(),
        OutputDir = outputDir,
        TableBase = TableBase,
        PaperDir = PaperDir,
        Model = Path.GetRelativePath(RepoRoot, ModelPath),
        DataRoot = Path.GetRelativePath(RepoRoot, DataRoot),
    };

    /// <summary>The table <paramref name="gridName"/> declares, built from this profile's store (what 05 and 06 show; <c>blora tables</c> builds the same).</summary>
    public Tables.ProtocolTable Table(string gridName) =>
        Tables.TablesJob.Run(TablesConfig() with { GridFiles = [AblationFile(gridName)] }).Tables[0];

    /// <summary>The path of the ablation grid file <paramref name="gridName"/> (with or without <c>.yaml</c>) in <see cref="ExperimentsDir"/>.</summary>
    public string AblationFile(string gridName)
    {
        string name = gridName.Trim();
        if (name.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase)) name = name[..^".yaml".Length];
        if (name.Length == 0 || name.IndexOfAny(['/', '\\']) >= 0)
            throw new ArgumentException($"'{gridName}': give the name of a grid file in {ExperimentsDir} (e.g. ablation-targets), not a path");
        return Path.Combine(ExperimentsDir, name + ".yaml");
    }

    /// <summary>An ablation of 04: the grid file <paramref name="gridName"/> of <see cref="ExperimentsDir"/>, which sets its dataset, shots and seed itself.</summary>
    /// <exception cref="FileNotFoundException">No such file (the message lists the grid files there).</exception>
    /// <exception cref="InvalidDataException">The file is not a valid grid (the message names the file, line and key).</exception>
    public SweepConfig AblationSweep(string gridName, out SweepGrid fileGrid, out string description)
    {
        var file = ReadGridFile(gridName);
        fileGrid = file.Grid;
        description = file.Description;
        return new SweepConfig { Base = TableBase, Grids = [file.Grid] };
    }

    private GridFile ReadGridFile(string gridName)
    {
        string path = AblationFile(gridName);
        if (!File.Exists(path))
        {
            var known = AblationGridNames();
            throw new FileNotFoundException($"{path}: grid file not found ({(known.Count == 0 ? $"{ExperimentsDir} holds no .yaml files" : $"grid files there: {string.Join(", ", known)}")})", path);
        }
        return SweepGridFile.ReadFile(path);
    }

    /// <summary>Where a sweep value of this profile comes from, for error messages: <c>profile smoke: Shots</c>.</summary>
    private string Source(string property) => $"profile {Name}: {property}";
}
