namespace BlockLora.Training;

/// <summary>
/// Cosine annealing from the base rate to the minimum over all iterations (PyTorch's CosineAnnealingLR
/// closed form). Computed from the iteration index so a resumed run needs no scheduler state.
/// </summary>
public static class CosineSchedule
{
    public static double LearningRate(int iteration, int totalIterations, double baseRate, double minRate) =>
        minRate + (baseRate - minRate) * (1 + Math.Cos(Math.PI * iteration / totalIterations)) / 2;
}
