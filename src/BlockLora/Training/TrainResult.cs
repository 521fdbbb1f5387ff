namespace BlockLora.Training;

/// <summary>One point of the training curve.</summary>
public sealed record TrainPoint(int Iteration, double Loss, double BatchAccuracy, double LearningRate);

/// <summary>What a training run did and cost.</summary>
public sealed record TrainResult(
    int Iterations,
    int ResumedFrom,
    double FinalLoss,
    double FinalTrainAccuracy,
    double Seconds,
    long PeakMemoryBytes,
    long SkippedImages,
    IReadOnlyList<TrainPoint> Curve)
{
    public double SecondsPerIteration => Iterations > ResumedFrom ? Seconds / (Iterations - ResumedFrom) : 0;
}
