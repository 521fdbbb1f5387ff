namespace BlockLora.Data;

/// <summary>
/// Finds a catalog entry under a data root and checks that the folders and split files its reader
/// needs exist, without reading them. Shared by the readers (which throw on the first problem) and
/// <see cref="DataCheck"/> (which reports it).
/// </summary>
public static class DatasetLayout
{
    private const string SplitSource = "the CoOp repository (its DATASETS.md links every split_zhou_*.json)";

    /// <summary>The location of <paramref name="dataset"/> under <paramref name="root"/>, or a one-line error naming what is missing and the fix.</summary>
    /// <exception cref="DatasetLayoutException"/>
    public static DatasetLocation Locate(string root, DatasetInfo dataset) => Probe(root, dataset).EnsurePresent();

    public static DatasetPresence Probe(string root, DatasetInfo dataset)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(dataset);
        root = Path.GetFullPath(root);
        if (!Directory.Exists(root))
            return DatasetPresence.Missing(dataset, root, "data root not found", "pass the folder that holds the dataset folders (e.g. oxford_pets/, imagenet/)");

        string? datasetDir = FindFolder(root, dataset.FolderNames);
        if (datasetDir is null)
        {
            string expected = Path.Combine(root, dataset.PrimaryFolderName);
            string accepted = dataset.FolderNames.Count > 1 ? $" (accepted names: {string.Join(", ", dataset.FolderNames)})" : "";
            return DatasetPresence.Missing(dataset, expected, $"{dataset.Name} folder not found{accepted}", DownloadFix(dataset, expected));
        }

        return dataset.Layout switch
        {
            SplitLayout.CoOpJson => ProbeCoOp(dataset, datasetDir),
            SplitLayout.FgvcAircraftText => ProbeFgvc(dataset, datasetDir),
            SplitLayout.ImageNetFolders => ProbeImageNet(dataset, datasetDir),
            SplitLayout.ImageNetLabelFolders or SplitLayout.ImageNetWnidFolders => ProbeImageNetVariant(root, dataset, datasetDir),
            _ => throw new ArgumentOutOfRangeException(nameof(dataset), dataset.Layout, "unknown split layout"),
        };
    }

    private static DatasetPresence ProbeCoOp(DatasetInfo dataset, string datasetDir)
    {
        string imageDir = ImageDirectory(dataset, datasetDir);
        if (!Directory.Exists(imageDir))
            return DatasetPresence.Missing(dataset, imageDir, "image folder not found", DownloadFix(dataset, datasetDir));
        string split = Path.Combine(datasetDir, dataset.SplitFile);
        if (!File.Exists(split))
            return DatasetPresence.Missing(dataset, split, "split file not found", $"download {dataset.SplitFile} from {SplitSource} into {datasetDir}");
        return DatasetPresence.Present(new DatasetLocation(dataset, datasetDir, imageDir, split));
    }

    private static DatasetPresence ProbeFgvc(DatasetInfo dataset, string datasetDir)
    {
        string imageDir = ImageDirectory(dataset, datasetDir);
        if (!Directory.Exists(imageDir))
            return DatasetPresence.Missing(dataset, imageDir, "image folder not found", DownloadFix(dataset, datasetDir));
        foreach (string name in FgvcAircraftSplitReader.RequiredFiles)
        {
            string file = Path.Combine(datasetDir, name);
            if (!File.Exists(file))
                return DatasetPresence.Missing(dataset, file, "split file not found",
                    $"{name} ships in fgvc-aircraft-2013b/data; copy that folder's contents into {datasetDir}");
        }
        return DatasetPresence.Present(new DatasetLocation(dataset, datasetDir, imageDir, Path.Combine(datasetDir, dataset.SplitFile)));
    }

    private static DatasetPresence ProbeImageNet(DatasetInfo dataset, string datasetDir)
    {
        // CoOp expects imagenet/images/{train,val}; a plain imagenet/{train,val} extraction is accepted too.
        string nested = Path.Combine(datasetDir, dataset.ImageSubfolder);
        string imageDir = HasSplitFolder(nested) || !HasSplitFolder(datasetDir) ? nested : datasetDir;
        foreach (string split in new[] { "train", "val" })
        {
            string folder = Path.Combine(imageDir, split);
            if (!Directory.Exists(folder))
                return DatasetPresence.Missing(dataset, folder, $"ImageNet {split} folder not found",
                    $"{dataset.Source}; extract the {split} images into {folder} with one folder per wnid");
        }
        string classNames = Path.Combine(datasetDir, dataset.SplitFile);
        if (!File.Exists(classNames))
            return DatasetPresence.Missing(dataset, classNames, "class-name file not found", $"download classnames.txt from {SplitSource} into {datasetDir}");
        return DatasetPresence.Present(new DatasetLocation(dataset, datasetDir, imageDir, classNames));
    }

    private static DatasetPresence ProbeImageNetVariant(string root, DatasetInfo dataset, string datasetDir)
    {
        string imageDir = ImageDirectory(dataset, datasetDir);
        if (!Directory.Exists(imageDir))
            return DatasetPresence.Missing(dataset, imageDir, "image folder not found", DownloadFix(dataset, datasetDir));
        // CoOp keeps a copy of ImageNet's classnames.txt in each variant folder; ImageNet's own copy does as well.
        string own = Path.Combine(datasetDir, dataset.SplitFile);
        string? imageNetDir = FindFolder(root, DatasetCatalog.ImageNet.FolderNames);
        string? shared = imageNetDir is null ? null : Path.Combine(imageNetDir, DatasetCatalog.ImageNet.SplitFile);
        string? classNames = File.Exists(own) ? own : shared is not null && File.Exists(shared) ? shared : null;
        if (classNames is null)
            return DatasetPresence.Missing(dataset, own, "class-name file not found",
                $"copy ImageNet's classnames.txt (from {SplitSource}) into {datasetDir}");
        return DatasetPresence.Present(new DatasetLocation(dataset, datasetDir, imageDir, classNames));
    }

    private static string ImageDirectory(DatasetInfo dataset, string datasetDir) =>
        dataset.ImageSubfolder.Length == 0 ? datasetDir : Path.Combine(datasetDir, dataset.ImageSubfolder);

    private static bool HasSplitFolder(string dir) =>
        Directory.Exists(Path.Combine(dir, "train")) || Directory.Exists(Path.Combine(dir, "val"));

    private static string? FindFolder(string root, IEnumerable<string> names) =>
        names.Select(n => Path.Combine(root, n)).FirstOrDefault(Directory.Exists);

    private static string DownloadFix(DatasetInfo dataset, string datasetDir)
    {
        if (dataset.Layout == SplitLayout.ImageNetFolders)
            return $"{dataset.Source}; extract it so that {Path.Combine(datasetDir, dataset.ImageSubfolder, "train")} and .../val hold one folder per wnid";
        string images = dataset.ImageSubfolder.Length == 0 ? datasetDir : Path.Combine(datasetDir, dataset.ImageSubfolder);
        return $"download {dataset.Source} and extract it so that the images are under {images} (see CoOp's DATASETS.md)";
    }
}
