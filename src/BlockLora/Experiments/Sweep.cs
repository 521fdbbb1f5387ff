using BlockLora.Checkpoints;
using BlockLora.Clip;
using BlockLora.Data;
using BlockLora.Results;
using BlockLora.Training;

namespace BlockLora.Experiments;

/// <summary>
/// Runs a sweep, or one shard of it, skipping runs whose row is already in the results folder and runs another live
/// process has claimed, so a killed sweep restarted with the same command continues where it stopped: a run left with a
/// stale claim resumes from its own checkpoint. A run that fails is marked failed in its claim and the sweep goes on;
/// the failures are reported together at the end.
/// </summary>
public static class Sweep
{
    /// <param name="Total">Runs in the whole grid.</param>
    /// <param name="Skipped">Runs of this shard already finished.</param>
    /// <param name="Ran">Runs this call ran to the end.</param>
    /// <param name="HeldElsewhere">Runs of this shard another live process was running.</param>
    public sealed record Summary(int Total, int Skipped, int Ran, int HeldElsewhere = 0);

    public static Summary Run(SweepConfig config, ITrainProgress? progress = null, SweepProcess? process = null)
    {
        progress ??= SilentTrainProgress.Instance;
        process ??= new SweepProcess();
        var runs = config.Runs();
        var mine = process.Shard.Select(runs, r => r.Spec);
        var finished = FinishedRuns.In(config.ResultsDir);
        if (finished.OlderFormatRows > 0)
            progress.OnMessage($"sweep: {finished.OlderFormatRows} row(s) under {config.ResultsDir} were written before runs had ids; they record too few settings to match any run and are kept as they are");
        // A run is finished when every row it writes is stored; one that trained but lacks eval-on rows (a grid that added
        // eval-on targets later) is scored there with its saved adapter instead of training again.
        var pending = mine.Where(r => finished.Missing(r.Spec).Count > 0).ToList();
        // A broken split file or a missing image stops the sweep here, before a model is loaded or a run folder written.
        foreach (var data in pending.GroupBy(r => (r.Spec.DataRoot, r.Spec.CustomDatasets)))
            DataCheck.RequireUsable(data.Key.DataRoot, data.SelectMany(r => r.Spec.AlsoEvaluateOn.Prepend(r.Spec.Dataset)).Distinct(), data.Key.CustomDatasets);
        string shardText = process.Shard.Count > 1 ? $" (shard {process.Shard}: {mine.Count} of them)" : "";
        progress.OnMessage($"sweep: {runs.Count} runs{shardText}, {mine.Count - pending.Count} already finished, {pending.Count} to run");
        var store = process.StoreName is null ? ResultsFolder.In(config.ResultsDir).Shared : ResultsFolder.In(config.ResultsDir).Own(process.StoreName);

        int ran = 0, held = 0, index = 0;
        var failures = new List<string>();
        // One model per backbone and dtype (a grid may vary either); runs are grouped so each loads once.
        foreach (var group in pending.GroupBy(r => (r.Spec.ModelPath, r.Spec.Train.Device, r.Spec.ComputeDType)))
        {
            ClipModel? model = null;
            try
            {
                foreach (var run in group)
                {
                    index++;
                    // Another shard (or a rerun) may have finished or claimed it since the listing above.
                    var missing = FinishedRuns.In(config.ResultsDir).Missing(run.Spec);
                    if (missing.Count == 0) continue;
                    using var claim = RunClaim.TryAcquire(run.Spec.RunFolder, $"shard {process.Shard}");
                    if (claim is null)
                    {
                        held++;
                        progress.OnMessage($"[{index}/{pending.Count}] {run.Identity.ShortId} is running in another process ({RunClaim.Read(run.Spec.RunFolder)?.Owner}); skipped");
                        continue;
                    }
                    progress.OnMessage($"[{index}/{pending.Count}] run {run.Identity.ShortId} {run.Label}");
                    try
                    {
                        process.OnRunStart?.Invoke(run.Spec);
                        var resolved = run.Spec.Resolve();
                        model ??= ClipCheckpoint.Load(group.Key.ModelPath, new ClipLoadOptions { DType = resolved.Target.DType });
                        if (missing.All(k => k.EvalDataset.Length > 0) && !run.Spec.IsZeroShot)
                            FewShotRun.EvaluateSaved(model, resolved, missing.Select(k => k.EvalDataset), progress, store);
                        else
                            FewShotRun.Execute(model, resolved, progress, store);
                        ran++;
                    }
                    catch (OperationCanceledException)
                    {
                        throw; // a stop, not a failure: the claim is released and a rerun resumes the run
                    }
                    catch (Exception e) when (e is not OutOfMemoryException)
                    {
                        claim.MarkFailed(e.Message);
                        failures.Add($"{run.Identity.ShortId} ({run.Label}): {e.Message}");
                        progress.OnMessage($"[{index}/{pending.Count}] run {run.Identity.ShortId} failed: {e.Message}");
                    }
                }
            }
            finally
            {
                model?.Dispose();
            }
        }
        if (failures.Count > 0)
            throw new SweepFailedException($"sweep: {failures.Count} of {pending.Count} runs failed; first: {failures[0]} (rerun the same command to retry them; --status lists them)", failures);
        return new Summary(runs.Count, mine.Count - pending.Count, ran, held);
    }
}

/// <summary>Some runs of a sweep failed (each is marked in its claim); the others ran.</summary>
public sealed class SweepFailedException(string message, IReadOnlyList<string> failures) : Exception(message)
{
    public IReadOnlyList<string> Failures { get; } = failures;
}
