namespace BlockLora.Data;

/// <summary>Locates a catalog dataset under a data root and reads its splits with the parser its layout needs (<see cref="ISplitFormat"/>), throwing on the first problem.</summary>
public static class DatasetReader
{
    /// <exception cref="ArgumentException">Unknown dataset name (the message lists the valid ones).</exception>
    /// <exception cref="DatasetLayoutException">A folder or split file is missing; the message names it and the fix.</exception>
    /// <exception cref="InvalidDataException">A split file is malformed; the message names the file and the line or item.</exception>
    public static DatasetSplits Read(string root, string datasetName) => Read(root, DatasetCatalog.Get(datasetName));

    public static DatasetSplits Read(string root, DatasetInfo dataset) => Read(DatasetLayout.Locate(root, dataset));

    /// <summary>The splits of a located dataset, read by its layout's one parser (a parse the data check just made is reused).</summary>
    public static DatasetSplits Read(DatasetLocation location)
    {
        ArgumentNullException.ThrowIfNull(location);
        return SplitFormats.Parse(location).ToSplits(location);
    }
}
