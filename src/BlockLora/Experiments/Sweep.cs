using BlockLora.Results;
using BlockLora.Adapters;
using BlockLora.Checkpoints;
using BlockLora.Training;

namespace BlockLora.Experiments;

/// <summary>
/// Runs a grid on one loaded base model, skipping runs whose row is already in the results store, so a
/// killed sweep restarted with the same command continues where it stopped (an interrupted run resumes
/// from its own checkpoint).
/// </summary>
public static class Sweep
{
    public sealed record Summary(int Total, int Skipped, int Ran);

    public static Summary Run(SweepConfig config, ITrainProgress? progress = null, Action<RunSpec>? onRunStart = null)
    {
        progress ??= SilentTrainProgress.Instance;
        var specs = config.Expand();
        var finished = FinishedRuns.In(config.ResultsDir);
        var pending = specs.Where(s => !finished.Contains(s)).ToList();
        if (finished.OlderFormatRows > 0)
            progress.OnMessage($"sweep: {finished.OlderFormatRows} row(s) in {ResultsStore.In(config.ResultsDir).Path} were written before runs had ids; they record too few settings to match any run and are kept as they are");
        progress.OnMessage($"sweep: {specs.Count} runs, {specs.Count - pending.Count} already finished, {pending.Count} to run");
        if (pending.Count == 0) return new Summary(specs.Count, specs.Count, 0);

        using var model = ClipCheckpoint.Load(config.ModelPath, config.Train.Precision, config.Train.Device);
        int done = 0;
        foreach (var spec in pending)
        {
            progress.OnMessage($"[{++done}/{pending.Count}] {spec.Dataset} {AdapterMethods.Format(spec.Method)} shots={spec.Shots} seed={spec.Seed} r={spec.Adapter.Rank} n={spec.Adapter.Blocks}");
            onRunStart?.Invoke(spec);
            FewShotRun.Execute(model, spec, progress);
        }
        return new Summary(specs.Count, specs.Count - pending.Count, pending.Count);
    }
}
