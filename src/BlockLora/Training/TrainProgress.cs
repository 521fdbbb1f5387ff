namespace BlockLora.Training;

/// <summary>One optimizer step as reported to a progress view.</summary>
public sealed record TrainStep(int Iteration, int TotalIterations, double Loss, double BatchAccuracy, double LearningRate, double IterationsPerSecond, TimeSpan Eta);

/// <summary>Where training reports progress: a terminal bar, plain log lines, a notebook display.</summary>
public interface ITrainProgress
{
    void OnStep(TrainStep step);
    void OnMessage(string message);
}

/// <summary>Plain periodic lines (for logs, CI and redirected output).</summary>
public sealed class PlainTrainProgress(TextWriter writer, int every = 50) : ITrainProgress
{
    public void OnStep(TrainStep s)
    {
        if (s.Iteration % every != 0 && s.Iteration != s.TotalIterations) return;
        writer.WriteLine($"iter {s.Iteration}/{s.TotalIterations}  loss {s.Loss:F4}  acc {s.BatchAccuracy:P1}  lr {s.LearningRate:E2}  {s.IterationsPerSecond:F2} it/s  eta {s.Eta:hh\\:mm\\:ss}");
    }

    public void OnMessage(string message) => writer.WriteLine(message);
}

/// <summary>Discards progress (tests, library callers that want silence).</summary>
public sealed class SilentTrainProgress : ITrainProgress
{
    public static readonly SilentTrainProgress Instance = new();
    public void OnStep(TrainStep step) { }
    public void OnMessage(string message) { }
}
