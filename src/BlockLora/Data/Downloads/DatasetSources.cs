namespace BlockLora.Data.Downloads;

/// <summary>
/// The fetcher's view of <see cref="DatasetCatalog"/>: each catalog entry's <see cref="DatasetInfo.Download"/> with the
/// folders it goes to. The catalog is the one place a dataset is described; this namespace reads it and the catalog
/// never reads this namespace.
/// </summary>
public static class DatasetSources
{
    public static IReadOnlyList<DatasetSource> All { get; } = DatasetCatalog.All.Select(Of).ToArray();

    /// <summary>Finds a dataset by name or folder name, ignoring case, '-', '_' and spaces ("imagenet-a",
    /// "oxford_pets" and "OxfordPets" all work), through <see cref="DatasetCatalog.TryGet"/>, and returns
    /// <paramref name="catalog"/>'s entry of that name (tests and mirrors pass copies with their own URLs).</summary>
    /// <exception cref="ArgumentException">Unknown name; the message lists the valid ones.</exception>
    public static DatasetSource Find(IReadOnlyList<DatasetSource> catalog, string name)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(name);
        return (DatasetCatalog.TryGet(name, out DatasetInfo? info) ? catalog.FirstOrDefault(d => d.Name == info.Name) : null)
               ?? throw new ArgumentException($"unknown dataset '{name}'; valid names: {string.Join(", ", catalog.Select(d => d.Name))}");
    }

    private static DatasetSource Of(DatasetInfo dataset)
    {
        var download = dataset.Download
                       ?? throw new InvalidOperationException($"catalog entry {dataset.Name} says nothing about where it comes from");
        return new DatasetSource(dataset.Name, dataset.PrimaryFolderName, dataset.FolderNames.Skip(1).ToArray(),
            download.ApproximateSize, download.Files, download.Manual, download.Copies);
    }
}
