namespace BlockLora.Data;

/// <summary>
/// Reads the domain-generalisation test sets as CoOp does; all images form the test split.
/// <list type="bullet">
/// <item>ImageNet-V2: folders <c>0</c>..<c>999</c> named by ImageNet label; the label space is ImageNet's 1000 classes.</item>
/// <item>ImageNet-Sketch, -A, -R: one folder per wnid. The label space is the folders present, sorted by
/// wnid (200 for -A and -R, evaluated 200-way), named through ImageNet's <c>classnames.txt</c>. Files
/// that are not folders (the README.txt of -A and -R) are ignored.</item>
/// </list>
/// </summary>
public static class ImageNetVariantSplitReader
{
    public static DatasetSplits Read(DatasetLocation location)
    {
        ArgumentNullException.ThrowIfNull(location);
        ImageNetClassNames classes = ImageNetClassNames.Read(location.SplitFilePath);
        var (classNames, test) = location.Dataset.Layout switch
        {
            SplitLayout.ImageNetLabelFolders => ReadLabelFolders(location.ImageDirectory, classes),
            SplitLayout.ImageNetWnidFolders => ReadWnidFolders(location.ImageDirectory, classes),
            _ => throw new ArgumentException($"{location.Dataset.Name} is not an ImageNet variant", nameof(location)),
        };
        return new DatasetSplits(location, classNames, [], [], test);
    }

    private static (IReadOnlyList<string>, IReadOnlyList<LabeledImage>) ReadLabelFolders(string imageDir, ImageNetClassNames classes)
    {
        var folders = new List<(int Label, string Folder)>();
        foreach (string folder in ImageFiles.FolderNames(imageDir))
        {
            if (!int.TryParse(folder, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int label)
                || label >= classes.Count)
                throw new InvalidDataException($"{imageDir}: folder '{folder}' is not an ImageNet label 0..{classes.Count - 1}");
            folders.Add((label, folder));
        }
        folders.Sort((a, b) => a.Label.CompareTo(b.Label));
        var items = new List<LabeledImage>();
        foreach (var (label, folder) in folders)
        {
            foreach (string file in ImageFiles.In(Path.Combine(imageDir, folder)))
                items.Add(new LabeledImage(file, label, classes.Names[label]));
        }
        return (classes.Names, items);
    }

    private static (IReadOnlyList<string>, IReadOnlyList<LabeledImage>) ReadWnidFolders(string imageDir, ImageNetClassNames classes)
    {
        string[] wnids = ImageFiles.FolderNames(imageDir);
        if (wnids.Length == 0) throw new InvalidDataException($"{imageDir}: no class folders");
        var names = new string[wnids.Length];
        var items = new List<LabeledImage>();
        for (int label = 0; label < wnids.Length; label++)
        {
            names[label] = classes.Names[classes.IndexOf(wnids[label], imageDir)];
            foreach (string file in ImageFiles.In(Path.Combine(imageDir, wnids[label])))
                items.Add(new LabeledImage(file, label, names[label]));
        }
        return (names, items);
    }
}
