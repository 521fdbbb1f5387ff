namespace BlockLora.Data;

/// <summary>
/// CoOp's <c>classnames.txt</c> for ImageNet: one "&lt;wnid&gt; &lt;class name&gt;" per line, in label order
/// (the 1000 wnids sorted, as torchvision's ImageFolder labels them).
/// </summary>
public sealed class ImageNetClassNames
{
    private readonly Dictionary<string, int> _indexOf;

    private ImageNetClassNames(string path, IReadOnlyList<string> wnids, IReadOnlyList<string> names)
    {
        SourcePath = path;
        Wnids = wnids;
        Names = names;
        _indexOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < wnids.Count; i++)
        {
            if (!_indexOf.TryAdd(wnids[i], i)) throw new InvalidDataException($"{path}: wnid {wnids[i]} is listed twice");
        }
    }

    public string SourcePath { get; }

    public IReadOnlyList<string> Wnids { get; }

    public IReadOnlyList<string> Names { get; }

    public int Count => Wnids.Count;

    public static ImageNetClassNames Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new DatasetLayoutException(path, "class-name file not found");
        var wnids = new List<string>();
        var names = new List<string>();
        string[] lines = File.ReadAllLines(path);
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Trim();
            if (line.Length == 0) continue;
            int space = line.IndexOf(' ');
            if (space <= 0) throw new InvalidDataException($"{path}: line {i + 1} is not '<wnid> <class name>'");
            wnids.Add(line[..space]);
            names.Add(line[(space + 1)..].Trim());
        }
        if (wnids.Count == 0) throw new InvalidDataException($"{path}: no classes listed");
        return new ImageNetClassNames(path, wnids, names);
    }

    /// <summary>The ImageNet label of <paramref name="wnid"/>, i.e. its line index.</summary>
    public bool TryGetIndex(string wnid, out int index) => _indexOf.TryGetValue(wnid, out index);

    public int IndexOf(string wnid, string context) =>
        TryGetIndex(wnid, out int index) ? index : throw new InvalidDataException($"{context}: folder '{wnid}' is not a wnid listed in {SourcePath}");
}
