namespace BlockLora.Data;

/// <summary>Where a catalog entry was found under a data root.</summary>
/// <param name="DatasetDirectory">The dataset's folder (e.g. <c>root/oxford_pets</c>).</param>
/// <param name="ImageDirectory">The folder split paths are relative to (e.g. <c>root/oxford_pets/images</c>).</param>
/// <param name="SplitFilePath">The split file that was found (for the ImageNet variants possibly ImageNet's <c>classnames.txt</c>).</param>
public sealed record DatasetLocation(DatasetInfo Dataset, string DatasetDirectory, string ImageDirectory, string SplitFilePath);
