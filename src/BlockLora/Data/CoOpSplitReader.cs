using System.Text.Json;

namespace BlockLora.Data;

/// <summary>
/// Reads CoOp's <c>split_zhou_&lt;Name&gt;.json</c>: <c>{"train": [[relative path, label, class name], ...],
/// "val": [...], "test": [...]}</c>, paths relative to the image folder, labels 0-based. Item order is
/// the file's order; class names are ordered by label.
/// </summary>
public static class CoOpSplitReader
{
    public static DatasetSplits Read(DatasetLocation location)
    {
        ArgumentNullException.ThrowIfNull(location);
        var (classNames, train, val, test) = Read(location.SplitFilePath, location.ImageDirectory);
        return new DatasetSplits(location, classNames, train, val, test);
    }

    /// <summary>Reads a split file whose paths are relative to <paramref name="imageDirectory"/>.</summary>
    /// <exception cref="InvalidDataException">Malformed JSON or items; one line naming the file and the item.</exception>
    public static (IReadOnlyList<string> ClassNames, IReadOnlyList<LabeledImage> Train, IReadOnlyList<LabeledImage> Val, IReadOnlyList<LabeledImage> Test)
        Read(string splitFile, string imageDirectory)
    {
        ArgumentNullException.ThrowIfNull(splitFile);
        ArgumentNullException.ThrowIfNull(imageDirectory);
        if (!File.Exists(splitFile)) throw new DatasetLayoutException(splitFile, "split file not found");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(splitFile));
        }
        catch (JsonException e)
        {
            string where = e.LineNumber is long line ? $" (line {line + 1}, position {e.BytePositionInLine + 1})" : "";
            throw new InvalidDataException($"{splitFile}: not valid JSON{where}", e);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"{splitFile}: expected an object with \"train\", \"val\" and \"test\" lists");
            var classes = new ClassNameTable(splitFile);
            var train = ReadList(document.RootElement, "train", required: true, splitFile, imageDirectory, classes);
            var val = ReadList(document.RootElement, "val", required: false, splitFile, imageDirectory, classes);
            var test = ReadList(document.RootElement, "test", required: true, splitFile, imageDirectory, classes);
            return (classes.ToList(), train, val, test);
        }
    }

    private static List<LabeledImage> ReadList(JsonElement root, string split, bool required, string file, string imageDirectory, ClassNameTable classes)
    {
        if (!root.TryGetProperty(split, out JsonElement list))
        {
            if (required) throw new InvalidDataException($"{file}: no \"{split}\" list");
            return [];
        }
        if (list.ValueKind != JsonValueKind.Array) throw new InvalidDataException($"{file}: \"{split}\" is not a list");
        var items = new List<LabeledImage>(list.GetArrayLength());
        int index = 0;
        foreach (JsonElement item in list.EnumerateArray())
        {
            string where = $"{split}[{index}]";
            if (item.ValueKind != JsonValueKind.Array || item.GetArrayLength() < 3
                || item[0].ValueKind != JsonValueKind.String
                || item[1].ValueKind != JsonValueKind.Number || !item[1].TryGetInt32(out int label)
                || item[2].ValueKind != JsonValueKind.String)
                throw new InvalidDataException($"{file}: {where} is not [relative path, integer label, class name]");
            string relative = item[0].GetString()!;
            string className = item[2].GetString()!;
            classes.Add(label, className, where);
            items.Add(new LabeledImage(ResolveRelative(imageDirectory, relative), label, className));
            index++;
        }
        return items;
    }

    // Split files are written on Linux with '/' separators; Path.Combine keeps them working elsewhere too.
    internal static string ResolveRelative(string directory, string relative) =>
        Path.GetFullPath(Path.Combine(directory, relative.Replace('/', Path.DirectorySeparatorChar)));
}
