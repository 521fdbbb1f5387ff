using BlockLora.Adapters;
using BlockLora.Checkpoints;
using BlockLora.Clip;
using BlockLora.Data;
using BlockLora.Evaluation;
using BlockLora.Experiments;
using BlockLora.Results;
using BlockLora.Torch;
using BlockLora.Training;

namespace BlockLora.Workbook.Notebooks;

/// <summary>A zero-shot evaluation with what the notebook shows of it: the splits, the confusion counts and the stored row.</summary>
public sealed record ZeroShotEvaluation(DatasetSplits Splits, EvalResult Result, RunRecord Record);

/// <summary>
/// The runs the notebooks make, as single calls on a <see cref="WorkbookProfile"/>. Each skips what the results
/// store already holds, so rerunning a notebook (or running the same grid from the CLI first) costs nothing twice.
/// </summary>
public static class WorkbookExperiments
{
    /// <summary>
    /// Zero-shot top-1 on a dataset's test split with its CoOp template (as the papers' zero-shot rows), keeping the
    /// confusion counts; appends the results row unless the store already has it.
    /// </summary>
    public static ZeroShotEvaluation ZeroShot(ClipModel model, WorkbookProfile profile, string dataset)
    {
        var spec = profile.Run(dataset, AdapterMethod.ZeroShot, shots: 0);
        ModelPrecision.Apply(model, profile.Train.Precision, DeviceSelection.Parse(profile.Train.Device));
        var splits = profile.ReadDataset(dataset);
        var result = Evaluator.Evaluate(model, splits.Test, splits.Prompts, profile.Train.Device, 64, profile.Train.DataWorkers);
        var record = FewShotRun.Identity(spec) with { Accuracy = result.Top1 };
        if (!FinishedRuns.In(profile.ResultsDir).Contains(spec)) ResultsStore.In(profile.ResultsDir).Append(record);
        return new ZeroShotEvaluation(splits, result, record);
    }

    /// <summary>Runs <paramref name="config"/> (skipping finished runs) and returns the summary.</summary>
    public static Sweep.Summary RunSweep(SweepConfig config, ITrainProgress? progress = null) => Sweep.Run(config, progress);

    /// <summary>
    /// The base-to-new protocol (<see cref="WorkbookProfile.BaseToNewSweep"/>): zero-shot, LoRA and Block-LoRA trained on
    /// the base half of each of <see cref="WorkbookProfile.BaseToNewDatasets"/> at <see cref="WorkbookProfile.MainShots"/>
    /// for every one of <see cref="WorkbookProfile.BaseToNewSeeds"/>, each scored on the base and the new half; runs the
    /// store already holds are skipped. <see cref="WorkbookProfile.BaseToNewSummaries"/> reads the results.
    /// </summary>
    public static Sweep.Summary BaseToNew(WorkbookProfile profile, ITrainProgress? progress = null) => Sweep.Run(profile.BaseToNewSweep(), progress);

    /// <summary>
    /// Runs the ablation grid file <c>&lt;gridName&gt;.yaml</c> of <see cref="WorkbookProfile.ExperimentsDir"/> on the profile's
    /// <see cref="WorkbookProfile.TrainDataset"/> at <see cref="WorkbookProfile.MainShots"/>, first seed
    /// (<see cref="WorkbookProfile.AblationSweep"/>), skipping runs the store already holds, and returns the file's runs
    /// with the summary, so the notebook tables exactly those runs.
    /// </summary>
    /// <exception cref="FileNotFoundException">No such grid file; the one-line message lists the files there.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid grid; the one-line message names the file, line and key.</exception>
    public static GridAblation Ablation(WorkbookProfile profile, string gridName, ITrainProgress? progress = null)
    {
        string path = profile.AblationFile(gridName);
        var config = profile.AblationSweep(gridName, out var grid, out var description);
        IReadOnlyList<SweepConfig.Run> runs;
        try
        {
            runs = config.Runs();
        }
        catch (ArgumentException e)
        {
            // A value the file's grid gives that no run accepts (rank 0, n not dividing the widths): one line, with the file.
            throw new InvalidDataException(e.Message.Contains(path, StringComparison.Ordinal) ? e.Message : $"{path}: {e.Message}");
        }
        var summary = Sweep.Run(config, progress);
        return new GridAblation(Path.GetFileNameWithoutExtension(path), path, description, grid, runs, summary, profile.ResultsDir);
    }

    /// <summary>
    /// Cross-dataset and domain generalisation (CoCoOp's protocol): LoRA and Block-LoRA trained on
    /// <see cref="WorkbookProfile.CrossDatasetSource"/> at <see cref="WorkbookProfile.MainShots"/> for every seed (reusing
    /// runs already in the store), each adapter then evaluated on the cross-dataset and domain targets it has no row for.
    /// </summary>
    public static int CrossDataset(WorkbookProfile profile, ITrainProgress? progress = null)
    {
        progress ??= SilentTrainProgress.Instance;
        var methods = AdapterMethods.Adapted;
        Sweep.Run(new SweepConfig
        {
            Base = profile.BaseRun,
            Grids =
            [
                new SweepGrid
                {
                    Fixed =
                    [
                        GridSetting.Of("dataset", new[] { profile.ResolveDataset(profile.CrossDatasetSource).Name }, $"profile {profile.Name}: CrossDatasetSource"),
                        GridSetting.Of("shots", new[] { profile.MainShots }, $"profile {profile.Name}: MainShots"),
                    ],
                    Axes =
                    [
                        GridSetting.Of("seed", profile.Seeds, $"profile {profile.Name}: Seeds"),
                        GridSetting.Of("method", methods, "cross-dataset methods"),
                    ],
                },
            ],
        }, progress);

        var targets = profile.CrossDatasetTargets.Concat(profile.DomainTargets).ToArray();
        var done = FinishedRuns.In(profile.ResultsDir);
        var pending = (from method in methods
                       from seed in profile.Seeds
                       let spec = profile.Run(profile.CrossDatasetSource, method, profile.MainShots, seed)
                       let missing = targets.Where(t => !done.Contains(spec, t)).ToArray()
                       where missing.Length > 0
                       select (spec, missing)).ToList();
        progress.OnMessage($"cross-dataset: {pending.Sum(p => p.missing.Length)} evaluations to run, {methods.Length * profile.Seeds.Count * targets.Length - pending.Sum(p => p.missing.Length)} already stored");
        if (pending.Count == 0) return 0;
        using var model = ClipCheckpoint.Load(profile.ModelPath);
        int rows = 0;
        foreach (var (spec, missing) in pending) rows += FewShotRun.EvaluateSaved(model, spec, missing, progress).Count;
        return rows;
    }
}
