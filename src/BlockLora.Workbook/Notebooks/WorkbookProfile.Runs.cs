using BlockLora.Adapters;
using BlockLora.Experiments;
using BlockLora.Training;

namespace BlockLora.Workbook.Notebooks;

/// <summary>
/// The profile's runs: the grid files of <see cref="ExperimentsDir"/> (the few-shot, base-to-new, transfer and ablation
/// tables' runs, the same files <c>blora sweep --grid</c> reads) over <see cref="TableBase"/>, and 03's single run.
/// </summary>
public sealed partial record WorkbookProfile
{
    /// <summary>The ablation grid files of <see cref="ExperimentsDir"/> by name (without <c>.yaml</c>), sorted.</summary>
    public IReadOnlyList<string> AblationGridNames() => Directory.Exists(ExperimentsDir)
        ? Directory.EnumerateFiles(ExperimentsDir, "*.yaml").Select(f => Path.GetFileNameWithoutExtension(f)).Order(StringComparer.Ordinal).ToArray()
        : [];


    /// <summary>
    /// The run 03 trains and the profile's adapter and schedule stand for: the few-shot grid's Block-LoRA run on
    /// <see cref="TrainDataset"/> at <see cref="MainShots"/>, first seed (read from <c>fewshot.yaml</c>, not restated).
    /// </summary>
    /// <exception cref="InvalidDataException">The few-shot file has no such run.</exception>
    public RunSpec MainRun
    {
        get
        {
            string dataset = ResolveDataset(TrainDataset).Name;
            return ComparisonSweep().PlannedRuns().Select(r => r.Spec)
                .FirstOrDefault(s => s.Method == AdapterMethod.BlockLora && s.Dataset == dataset && s.Shots == MainShots && s.Seed == Seeds[0])
                ?? throw new InvalidDataException($"{AblationFile("fewshot")}: no block-lora run on {dataset} at {MainShots} shots, seed {Seeds[0]} (the profile's main run)");
        }
    }

    /// <summary>The profile's adapter: <see cref="MainRun"/>'s (r, n, alpha, dropout, targets, encoders).</summary>
    public AdapterConfig Adapter => MainRun.ResolvedAdapter;

    /// <summary>The profile's schedule: <see cref="MainRun"/>'s, on <see cref="Device"/>.</summary>
    public TrainConfig Train => MainRun.Train;

    /// <summary>One run of this profile: <see cref="MainRun"/> on another dataset, method, shots, seed, rank or block count.</summary>
    public RunSpec Run(string dataset, AdapterMethod method, int shots, int seed = 1, int? rank = null, int? blocks = null) => MainRun with
    {
        Dataset = ResolveDataset(dataset).Name,
        Method = method,
        Shots = shots,
        Seed = seed,
        Adapter = MainRun.Adapter with { Rank = rank ?? MainRun.Adapter.Rank, Blocks = blocks ?? MainRun.Adapter.Blocks },
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
                Train = defaults.Train with { Device = Device, DataWorkers = DataWorkers, CheckpointEvery = CheckpointEvery },
            };
        }
    }

    /// <summary>The grid file <paramref name="gridName"/> of <see cref="ExperimentsDir"/> as a sweep over <see cref="TableBase"/>: the file defines every run.</summary>
    public SweepConfig TableSweep(string gridName) => new() { Base = TableBase, Grids = [ReadGridFile(gridName).Grid] };

    /// <summary>The grid files of <see cref="ExperimentsDir"/> that declare a table (<c>table:</c>), by name.</summary>
    public IReadOnlyList<string> TableGridNames() =>
        AblationGridNames().Where(n => SweepGridFile.ReadFile(AblationFile(n)).Table.Length > 0).ToArray();


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

}
