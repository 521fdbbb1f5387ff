using BlockLora.Checkpoints;
using BlockLora.Data;
using BlockLora.Inference;
using BlockLora.Training;

namespace BlockLora.Experiments;

/// <summary>
/// What <c>blora train</c> and <c>blora zero-shot</c> run: the data check (before any weights are read), the spec resolved
/// once, the model loaded straight into the run's dtype, and the run.
/// </summary>
public static class RunJob
{
    /// <returns>The run as resolved: its folder, identity and compute target.</returns>
    public static ResolvedRun Run(RunSpec spec, ITrainProgress? progress = null)
    {
        spec.CheckClasses(); // settings that cannot make a run are refused before the data check and the model load
        var datasets = spec.ResolveDatasets();
        DataCheck.RequireUsable(spec.DataRoot, datasets);
        var run = spec.Resolve(datasets);
        using var model = ClipCheckpoint.Load(spec.ModelPath, new ClipLoadOptions { DType = run.Target.DType });
        FewShotRun.Execute(model, run, progress);
        return run;
    }

    /// <summary>
    /// CLIP-LoRA's <c>--eval_only</c>: the adapter that this spec's run saved in its run folder, scored on the dataset's
    /// test split with the run's prompt, device and precision, as the run scored it. Trains nothing and writes no row.
    /// </summary>
    /// <returns>The lines <c>blora eval</c> prints.</returns>
    /// <exception cref="ArgumentException">No adapter saved for this spec (the message names the file looked for), or a run that is not scored on all classes.</exception>
    public static IReadOnlyList<string> EvaluateSaved(RunSpec spec, Action<string>? warn = null)
    {
        if (spec.Classes != ClassSubset.All)
            throw new ArgumentException($"--eval_only scores all classes; a --classes {ClassSubsets.Format(spec.Classes)} run is scored on its halves by training it");
        string adapter = Path.Combine(spec.RunFolder, FewShotRun.AdapterFileName);
        if (!File.Exists(adapter))
            throw new ArgumentException($"{adapter}: no adapter saved for these options; train first with the same options, without --eval_only");
        return EvalJob.Run(new EvalRequest
        {
            ModelPath = spec.ModelPath, DataRoot = spec.DataRoot, Dataset = spec.Dataset, AdapterPath = adapter, Template = spec.Train.Template,
            Device = spec.Train.Device, Precision = spec.Train.Precision,
        }, warn);
    }
}
