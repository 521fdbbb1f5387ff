using BlockLora.Checkpoints;
using BlockLora.Data;
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
        DataCheck.RequireUsable(spec.DataRoot, [spec.Dataset, .. spec.AlsoEvaluateOn], spec.CustomDatasets);
        var run = spec.Resolve();
        using var model = ClipCheckpoint.Load(spec.ModelPath, new ClipLoadOptions { DType = run.Target.DType });
        FewShotRun.Execute(model, run, progress);
        return run;
    }
}
