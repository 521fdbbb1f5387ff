using BlockLora.Data;
using BlockLora.Workbook.Demo;

namespace BlockLora.Workbook.Notebooks;

/// <summary>The two profiles, and how a notebook finds one (<c>BLORA_PROFILE</c>) and the repository it runs in.</summary>
public sealed partial record WorkbookProfile
{
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
            // The demo's schedule and n = 4 come from experiments/smoke/*.yaml; short runs need no checkpoints.
            Device = "cpu",
            CheckpointEvery = 0,
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
            Device = device,
            CheckpointEvery = 500,
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

}
