namespace BlockLora.Data;

/// <summary>
/// The k-shot training subset of one (dataset, shots, seed): items grouped by label in label order,
/// within a class in the order they were drawn.
/// </summary>
/// <param name="ClassNames">The dataset's class names by label, so a run folder is self-contained.</param>
/// <param name="ClassesWithRepetition">Classes that had fewer than <paramref name="Shots"/> images and were filled up by repetition.</param>
/// <param name="EmptyClasses">Classes with no train images at all (nothing to sample; they are absent from <paramref name="Items"/>).</param>
public sealed record FewShotSelection(
    string DatasetName,
    int Shots,
    int Seed,
    IReadOnlyList<LabeledImage> Items,
    IReadOnlyList<string> ClassNames,
    int ClassesWithRepetition,
    int EmptyClasses)
{
    /// <summary>Human-readable warnings for the log; empty when every class had at least k images.</summary>
    public IReadOnlyList<string> Warnings
    {
        get
        {
            var warnings = new List<string>();
            if (ClassesWithRepetition > 0)
                warnings.Add($"{DatasetName}: {ClassesWithRepetition} class(es) have fewer than {Shots} train images; sampled with repetition");
            if (EmptyClasses > 0)
                warnings.Add($"{DatasetName}: {EmptyClasses} class(es) have no train images");
            return warnings;
        }
    }
}
