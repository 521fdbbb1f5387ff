using BlockLora.Adapters;
using BlockLora.Experiments;
using BlockLora.Results;
using BlockLora.Training;
using BlockLora.Workbook.Charts;
using BlockLora.Workbook.Figures;

namespace BlockLora.Workbook.Notebooks;

/// <summary>One run as <c>blora train</c> makes it, with its stored rows and its training curve drawn from <c>metrics.csv</c>.</summary>
public sealed record TrainedRun(ResolvedRun Run, IReadOnlyList<RunRecord> Rows, FigureFiles Curve);

/// <summary>
/// One run and its curve in one call (what <c>scripts/train.cs</c> runs, as notebook 03 does cell by cell): the run
/// through <see cref="RunJob"/> (data check, resolve, train, evaluate merged, save; a finished run is not trained again),
/// then loss and batch accuracy against the iteration as <c>train-&lt;run id&gt;-curve.html</c> (and PNG where Chromium is).
/// </summary>
public static class TrainingWithCurve
{
    public static TrainedRun Run(RunSpec spec, string figuresDir, ITrainProgress? progress = null)
    {
        var run = RunJob.Run(spec, progress);
        var rows = ResultsSummary.Load(spec.ResultsDir).Where(r => r.RunId == run.Identity.Id).ToArray();
        var metrics = MetricsLog.Read(Path.Combine(run.RunFolder, MetricsLog.FileName));
        var figures = new FigureWriter(figuresDir, $"train-{run.Identity.ShortId}");
        var label = spec.ResolvedAdapter.Label();
        figures.Save(WorkbookCharts.TrainingCurve(metrics, $"{label} on {spec.Dataset}, {spec.Shots} shots: training curve (seed {spec.Seed})",
            "one training run (one seed)"), "curve", 900, 620);
        return new TrainedRun(run, rows, figures.Flush()[0]);
    }
}
