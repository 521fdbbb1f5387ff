namespace BlockLora.Data;

/// <summary>
/// Reads FGVC-Aircraft's own split files as CoOp does: class names are the lines of <c>variants.txt</c>
/// and labels their line order (CoOp enumerates the file, it does not sort it); each line of
/// <c>images_variant_{train,val,test}.txt</c> is "&lt;image id&gt; &lt;variant name&gt;", the image being
/// <c>images/&lt;id&gt;.jpg</c>.
/// </summary>
public static class FgvcAircraftSplitReader
{
    public const string VariantsFile = "variants.txt";

    public static IReadOnlyList<string> RequiredFiles { get; } =
        [VariantsFile, "images_variant_train.txt", "images_variant_val.txt", "images_variant_test.txt"];

    public static DatasetSplits Read(DatasetLocation location)
    {
        ArgumentNullException.ThrowIfNull(location);
        string variantsPath = Path.Combine(location.DatasetDirectory, VariantsFile);
        IReadOnlyList<string> classNames = ReadVariants(variantsPath);
        var labelOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < classNames.Count; i++)
        {
            if (!labelOf.TryAdd(classNames[i], i))
                throw new InvalidDataException($"{variantsPath}: variant '{classNames[i]}' is listed twice");
        }
        return new DatasetSplits(location, classNames,
            ReadSplit(location, "train", labelOf, classNames),
            ReadSplit(location, "val", labelOf, classNames),
            ReadSplit(location, "test", labelOf, classNames));
    }

    private static IReadOnlyList<string> ReadVariants(string path)
    {
        if (!File.Exists(path)) throw new DatasetLayoutException(path, "split file not found");
        string[] names = File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
        if (names.Length == 0) throw new InvalidDataException($"{path}: no variants listed");
        return names;
    }

    private static List<LabeledImage> ReadSplit(DatasetLocation location, string split, Dictionary<string, int> labelOf, IReadOnlyList<string> classNames)
    {
        string path = Path.Combine(location.DatasetDirectory, $"images_variant_{split}.txt");
        if (!File.Exists(path)) throw new DatasetLayoutException(path, "split file not found");
        var items = new List<LabeledImage>();
        string[] lines = File.ReadAllLines(path);
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Trim();
            if (line.Length == 0) continue;
            int space = line.IndexOf(' ');
            if (space <= 0) throw new InvalidDataException($"{path}: line {i + 1} is not '<image id> <variant>'");
            string id = line[..space];
            string variant = line[(space + 1)..].Trim();
            if (!labelOf.TryGetValue(variant, out int label))
                throw new InvalidDataException($"{path}: line {i + 1}: variant '{variant}' is not in {VariantsFile}");
            items.Add(new LabeledImage(Path.Combine(location.ImageDirectory, id + ".jpg"), label, classNames[label]));
        }
        return items;
    }
}
