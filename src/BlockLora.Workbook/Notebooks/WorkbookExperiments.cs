using BlockLora.Adapters;
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
        ModelPlacement.Place(model, ComputeTarget.Resolve(profile.Train.Precision, profile.Train.Device));
        var splits = profile.ReadDataset(dataset);
        var result = Evaluator.Evaluate(model, splits.Test, splits.Prompts, 64, profile.Train.DataWorkers);
        var record = FewShotRun.Identity(spec) with { Accuracy = result.Top1 };
        if (!FinishedRuns.In(profile.ResultsDir).Contains(spec)) ResultsStore.In(profile.ResultsDir).Append(record);
        return new ZeroShotEvaluation(splits, result, record);
    }

    /// <summary>Runs <paramref name="config"/> (skipping finished runs) and returns the summary.</summary>
    public static Sweep.Summary RunSweep(SweepConfig config, ITrainProgress? progress = null) => Sweep.Run(config, progress);

    /// <summary>The few-shot grid of the profile (<c>fewshot.yaml</c>), trained only where <see cref="WorkbookProfile.TrainingAllowed"/>.</summary>
    public static Sweep.Summary FewShot(WorkbookProfile profile, ITrainProgress? progress = null) => RunOrPlan(profile, profile.ComparisonSweep(), progress);

    /// <summary>
    /// Runs a sweep of <paramref name="profile"/>, or, where it may not train (the paper profile without
    /// <see cref="WorkbookProfile.RunVariable"/>=1: hours of GPU), says what it would run and how to start it, and runs
    /// nothing; the tables then show the stored runs and count the missing ones.
    /// </summary>
    public static Sweep.Summary RunOrPlan(WorkbookProfile profile, SweepConfig config, ITrainProgress? progress = null)
    {
        if (profile.TrainingAllowed) return Sweep.Run(config, progress);
        var planned = config.PlannedRuns();
        progress?.OnMessage(FormattableString.Invariant(
            $"not training: {planned.Count} runs, {planned.Sum(r => (long)r.Spec.Iterations):N0} optimizer steps would start; set {WorkbookProfile.RunVariable}=1 before starting the notebook to train here, or fill the same results folder with blora sweep (--dry-run --estimate first; --slurm for a cluster)"));
        return new Sweep.Summary(planned.Count, 0, 0, 0);
    }

    /// <summary>
    /// The base-to-new protocol (<see cref="WorkbookProfile.BaseToNewSweep"/>): zero-shot, LoRA and Block-LoRA trained on
    /// the base half of each of <see cref="WorkbookProfile.BaseToNewDatasets"/> at <see cref="WorkbookProfile.MainShots"/>
    /// for every one of <see cref="WorkbookProfile.BaseToNewSeeds"/>, each scored on the base and the new half; runs the
    /// store already holds are skipped. <see cref="WorkbookProfile.BaseToNewSummaries"/> reads the results.
    /// </summary>
    public static Sweep.Summary BaseToNew(WorkbookProfile profile, ITrainProgress? progress = null) => RunOrPlan(profile, profile.BaseToNewSweep(), progress);

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
        var summary = RunOrPlan(profile, config, progress);
        return new GridAblation(Path.GetFileNameWithoutExtension(path), path, description, grid, runs, summary, profile.ResultsDir);
    }

    /// <summary>
    /// Cross-dataset and domain generalisation (CoCoOp's protocol): the runs of <c>cross-dataset.yaml</c> and
    /// <c>domain-generalization.yaml</c>, adapters trained on the source and scored on the targets (eval-on). A run already
    /// trained (by the few-shot grid) is not trained again: the sweep scores its saved adapter on the targets it lacks.
    /// </summary>
    public static Sweep.Summary CrossDataset(WorkbookProfile profile, ITrainProgress? progress = null)
    {
        var cross = RunOrPlan(profile, profile.TableSweep("cross-dataset"), progress);
        var domain = RunOrPlan(profile, profile.TableSweep("domain-generalization"), progress);
        return new Sweep.Summary(cross.Total + domain.Total, cross.Skipped + domain.Skipped, cross.Ran + domain.Ran, cross.HeldElsewhere + domain.HeldElsewhere);
    }
}
