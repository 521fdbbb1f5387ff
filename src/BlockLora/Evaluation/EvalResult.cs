namespace BlockLora.Evaluation;

/// <summary>Top-1 and per-class accuracy (percent) with the confusion counts [true, predicted].</summary>
public sealed record EvalResult(double Top1, IReadOnlyList<double> PerClassAccuracy, int Count, long Skipped, long[,] Confusion)
{
    public double MeanPerClassAccuracy => PerClassAccuracy.Where(double.IsFinite).DefaultIfEmpty(0).Average();
}
