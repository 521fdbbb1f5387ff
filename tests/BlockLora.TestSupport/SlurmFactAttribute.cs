using Xunit;

namespace BlockLora.Tests.Experiments;

/// <summary>
/// A test that starts a <see cref="LocalSlurmCluster"/>: skipped, with the reason in the runner's output, where the
/// cluster cannot start (no root) or the user opted out; run, and failing on any problem, everywhere else.
/// </summary>
public sealed class SlurmFactAttribute : FactAttribute
{
    public SlurmFactAttribute()
    {
        if (LocalSlurmCluster.SkipReason() is { } reason) Skip = reason;
    }
}
