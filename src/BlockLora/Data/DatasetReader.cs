namespace BlockLora.Data;

/// <summary>Locates a catalog dataset under a data root and reads its splits with the reader its layout needs.</summary>
public static class DatasetReader
{
    /// <exception cref="ArgumentException">Unknown dataset name (the message lists the valid ones).</exception>
    /// <exception cref="DatasetLayoutException">A folder or split file is missing; the message names it and the fix.</exception>
    /// <exception cref="InvalidDataException">A split file is malformed; the message names the file and the line or item.</exception>
    public static DatasetSplits Read(string root, string datasetName) => Read(root, DatasetCatalog.Get(datasetName));

    public static DatasetSplits Read(string root, DatasetInfo dataset) => Read(DatasetLayout.Locate(root, dataset));

    public static DatasetSplits Read(DatasetLocation location)
    {
        ArgumentNullException.ThrowIfNull(location);
        return location.Dataset.Layout switch
        {
            SplitLayout.CoOpJson => CoOpSplitReader.Read(location),
            SplitLayout.FgvcAircraftText => FgvcAircraftSplitReader.Read(location),
            SplitLayout.ImageNetFolders => ImageNetSplitReader.Read(location),
            SplitLayout.ImageNetLabelFolders or SplitLayout.ImageNetWnidFolders => ImageNetVariantSplitReader.Read(location),
            _ => throw new ArgumentOutOfRangeException(nameof(location), location.Dataset.Layout, "unknown split layout"),
        };
    }
}
