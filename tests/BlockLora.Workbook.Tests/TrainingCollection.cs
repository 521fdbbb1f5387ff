namespace BlockLora.Workbook.Tests;

/// <summary>
/// Training draws dropout masks from libtorch's process-wide generator, reseeded every step; tests in
/// other classes that seed or draw from it in parallel would perturb those masks. Tests that assert
/// bit-exact reproducibility therefore run alone.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TrainingCollection
{
    public const string Name = "Training (global torch generator)";
}
