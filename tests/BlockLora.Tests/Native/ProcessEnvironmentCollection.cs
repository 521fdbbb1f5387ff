namespace BlockLora.Tests.Native;

/// <summary>
/// Environment variables belong to the whole test process: a test that sets one would change what tests running
/// beside it read (NativePreload.PackagesRoot, and every child process they start). Such tests run alone.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessEnvironmentCollection
{
    public const string Name = "Process environment";
}
