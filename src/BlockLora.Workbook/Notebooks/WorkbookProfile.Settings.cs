using System.Globalization;
using BlockLora.Adapters;

namespace BlockLora.Workbook.Notebooks;

/// <summary>The profile as the setup notebook lists it.</summary>
public sealed partial record WorkbookProfile
{
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
        new("device", Device + (TorchThreads > 0 ? $" ({TorchThreads} torch thread{(TorchThreads == 1 ? "" : "s")})" : "")),
        new("results", ResultsDir),
        new("figures", FiguresDir),
    ];

    /// <summary>The ablation grid files and where they run, e.g. <c>experiments/smoke/: ablation-encoders.yaml, ... on FashionHeldOut, 4 shots</c>.</summary>
    private string AblationDescription()
    {
        string where = $"on {TrainDataset}, {MainShots} shots (each file sets its seeds)";
        string dir = Path.GetRelativePath(RepoRoot, ExperimentsDir) + "/";
        var files = AblationGridNames();
        return files.Count == 0 ? $"no grid files in {dir} (04 reads its ablations from there)" : $"{dir}: {string.Join(", ", files.Select(f => f + ".yaml"))} {where}";
    }

}
