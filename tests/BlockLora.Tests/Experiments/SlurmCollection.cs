namespace BlockLora.Tests.Experiments;

/// <summary>
/// Tests that start a <see cref="LocalSlurmCluster"/> run one after another: each cluster is independent (its own
/// ports and folder), but two at once would share the machine's CPUs and one munged, and time out on a small runner.
/// </summary>
[CollectionDefinition(Name)]
public sealed class SlurmCollection
{
    public const string Name = "slurm";
}
