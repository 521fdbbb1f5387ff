namespace BlockLora.Data.Downloads;

/// <summary>
/// Where one dataset comes from and how it becomes the CoOp folder layout (docs/method.md, "Datasets"):
/// plain data, so tests and mirrors can substitute URLs with <c>with { Files = ... }</c>.
/// </summary>
/// <param name="Name">The <see cref="DatasetCatalog"/> name ("DTD", "ImageNetA"); <see cref="DatasetSources.Find"/> finds entries by it.</param>
/// <param name="Directory">CoOp's folder name under the data root ("dtd").</param>
/// <param name="OtherDirectories">Other accepted folder names (CLIP-LoRA's "DTD"): an existing one is filled instead of creating <paramref name="Directory"/>.</param>
/// <param name="ApproximateSize">Download size, roughly, for planning disk space.</param>
public sealed record DatasetSource(
    string Name,
    string Directory,
    IReadOnlyList<string> OtherDirectories,
    string ApproximateSize,
    IReadOnlyList<SourceFile> Files,
    IReadOnlyList<ManualRequirement> Manual,
    IReadOnlyList<RootCopy> Copies);
