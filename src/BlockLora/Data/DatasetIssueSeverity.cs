namespace BlockLora.Data;

/// <summary>Whether a <see cref="DatasetIssue"/> makes a dataset unusable.</summary>
public enum DatasetIssueSeverity
{
    /// <summary>Worth knowing, but runs work (e.g. a class shorter than 16 images: 16-shot runs sample with repetition).</summary>
    Warning,

    /// <summary>Runs would fail, skip images or measure the wrong thing; <c>blora data check</c> exits 1 and training refuses to start.</summary>
    Problem,
}
