using BlockLora.Evaluation;
using BlockLora.Results;

namespace BlockLora.Experiments;

/// <summary>
/// One set a run was scored on (its own dataset, the new half, an eval-on dataset): top-1 from its row, and the mean
/// per-class accuracy from the run folder's <see cref="EvaluationReport"/> when one was written.
/// </summary>
/// <param name="Problem">Why the evaluation file could not be read, when it exists but is damaged.</param>
public sealed record RunEvaluation(string Dataset, string Classes, double Top1, double? MeanPerClass, string? Problem)
{
    public static RunEvaluation Of(RunRecord row, string? runFolder)
    {
        string dataset = row.EvalDataset.Length > 0 ? row.EvalDataset : row.Dataset;
        if (runFolder is null) return new RunEvaluation(dataset, row.Classes, row.Accuracy, null, null);
        string path = Path.Combine(runFolder, EvaluationReport.FileName(dataset, row.Classes));
        if (!File.Exists(path)) return new RunEvaluation(dataset, row.Classes, row.Accuracy, null, null);
        try
        {
            return new RunEvaluation(dataset, row.Classes, row.Accuracy, EvaluationReport.Load(path).MeanPerClass, null);
        }
        catch (InvalidDataException e)
        {
            // One damaged report should not hide the rest of the run.
            return new RunEvaluation(dataset, row.Classes, row.Accuracy, null, e.Message);
        }
    }
}
