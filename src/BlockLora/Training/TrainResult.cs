namespace BlockLora.Training;

/// <summary>One point of the training curve.</summary>
public sealed record TrainPoint(int Iteration, double Loss, double BatchAccuracy, double LearningRate);

/// <summary>What a training run did and cost.</summary>
/// <param name="Precision">The dtype it computed in (fp32, bf16, fp16).</param>
/// <param name="SkippedSteps">fp16 steps the loss scaler skipped for non-finite gradients.</param>
public sealed record TrainResult(
    int Iterations,
    int ResumedFrom,
    double FinalLoss,
    double FinalTrainAccuracy,
    double Seconds,
    long PeakMemoryBytes,
    long SkippedImages,
    IReadOnlyList<TrainPoint> Curve,
    string Precision = "fp32",
    int SkippedSteps = 0)
{
    public double SecondsPerIteration => Iterations > ResumedFrom ? Seconds / (Iterations - ResumedFrom) : 0;
}
