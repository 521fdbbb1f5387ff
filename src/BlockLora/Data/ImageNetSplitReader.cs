namespace BlockLora.Data;

/// <summary>
/// Reads ImageNet as CoOp does: <c>train/&lt;wnid&gt;/*</c> is the train split, <c>val/&lt;wnid&gt;/*</c> is both
/// the validation and the test split, and the label of a wnid is its line in <c>classnames.txt</c>.
/// Items are ordered by label, then by ordinal file path.
/// </summary>
public static class ImageNetSplitReader
{
    public static DatasetSplits Read(DatasetLocation location)
    {
        ArgumentNullException.ThrowIfNull(location);
        ImageNetClassNames classes = ImageNetClassNames.Read(location.SplitFilePath);
        IReadOnlyList<LabeledImage> train = ReadFolder(Path.Combine(location.ImageDirectory, "train"), classes);
        IReadOnlyList<LabeledImage> test = ReadFolder(Path.Combine(location.ImageDirectory, "val"), classes);
        return new DatasetSplits(location, classes.Names, train, test, test);
    }

    private static List<LabeledImage> ReadFolder(string splitDir, ImageNetClassNames classes)
    {
        if (!Directory.Exists(splitDir)) throw new DatasetLayoutException(splitDir, "ImageNet split folder not found");
        var byLabel = new List<(int Label, string Folder)>();
        foreach (string wnid in ImageFiles.FolderNames(splitDir))
            byLabel.Add((classes.IndexOf(wnid, splitDir), wnid));
        byLabel.Sort((a, b) => a.Label.CompareTo(b.Label));

        var items = new List<LabeledImage>();
        foreach (var (label, folder) in byLabel)
        {
            foreach (string file in ImageFiles.In(Path.Combine(splitDir, folder)))
                items.Add(new LabeledImage(file, label, classes.Names[label]));
        }
        return items;
    }
}
