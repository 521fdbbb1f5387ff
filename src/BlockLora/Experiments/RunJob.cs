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
        spec.CheckClasses(); // settings that cannot make a run are refused before the data check and the model load
        var datasets = spec.ResolveDatasets();
        DataCheck.RequireUsable(spec.DataRoot, datasets);
        var run = spec.Resolve(datasets);
        using var model = ClipCheckpoint.Load(spec.ModelPath, new ClipLoadOptions { DType = run.Target.DType });
        FewShotRun.Execute(model, run, progress);
        return run;
    }
}
