namespace BlockLora.Results;

/// <summary>The base-to-new protocol's summary: HM = 2·B·N / (B + N) of the base and new accuracies (0 when both are 0).</summary>
public static class HarmonicMean
{
    public static double Of(double baseAccuracy, double newAccuracy)
    {
        if (baseAccuracy < 0 || newAccuracy < 0 || !double.IsFinite(baseAccuracy) || !double.IsFinite(newAccuracy))
            throw new ArgumentException($"accuracies must be finite and non-negative, got base {baseAccuracy} and new {newAccuracy}");
        double sum = baseAccuracy + newAccuracy;
        return sum == 0 ? 0 : 2 * baseAccuracy * newAccuracy / sum;
    }
}
