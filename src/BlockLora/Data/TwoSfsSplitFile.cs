using System.Text.Encodings.Web;
using System.Text.Json;
using BlockLora.IO;

namespace BlockLora.Data;

/// <summary>
/// The few-shot split format published by 2SFS (CVPR 2025): JSON Lines named
/// <c>shot_{K}-seed_{S}_{train|val}.jsonl</c>, one object per image with keys <c>_impath</c>,
/// <c>_label</c> and <c>_classname</c> (Dassl's Datum fields; other keys such as <c>_domain</c> are
/// ignored). Reading it reproduces a published subset exactly instead of re-sampling.
/// </summary>
public static class TwoSfsSplitFile
{
    private static readonly JsonWriterOptions LineOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string FileName(int shots, int seed, string split)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(shots);
        ArgumentException.ThrowIfNullOrEmpty(split);
        return $"shot_{shots}-seed_{seed}_{split}.jsonl";
    }

    /// <summary>Items with <c>_impath</c> exactly as written (no resolution, no existence check).</summary>
    /// <exception cref="InvalidDataException">A line that is not an object with the three keys; names the file and line.</exception>
    public static IReadOnlyList<LabeledImage> ReadRaw(string path)
    {
        var parse = Parse(path);
        parse.ThrowIfFailed();
        return parse.Items;
    }

    /// <summary>
    /// The one parser of the format: every line that is not an object with the three keys is recorded with its line
    /// number and the parse goes on with the next; paths are kept as written.
    /// </summary>
    internal static FewShotListParse Parse(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var parse = new FewShotListParse(path);
        if (!File.Exists(path))
        {
            parse.Problem("", new DatasetLayoutException(path, "few-shot split file not found"));
            return parse;
        }
        string[] lines = File.ReadAllLines(path);
        for (int i = 0; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i])) continue;
            string position = $"line {i + 1}";
            try
            {
                parse.Add(ParseLine(path, i + 1, lines[i]), position);
            }
            catch (InvalidDataException e)
            {
                parse.Problem(position, e);
            }
        }
        return parse;
    }

    /// <summary>
    /// Items with <c>_impath</c> resolved to files under the dataset (absolute paths from the publisher's
    /// machine and paths relative to the image or dataset folder all work; see <see cref="ImagePathResolver"/>).
    /// </summary>
    /// <exception cref="DatasetLayoutException">An image that cannot be found; names the line and the folders searched.</exception>
    public static IReadOnlyList<LabeledImage> Read(string path, DatasetLocation location) => Read(path, ImagePathResolver.For(location));

    public static IReadOnlyList<LabeledImage> Read(string path, ImagePathResolver resolver)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        return Resolve(Parse(path), resolver);
    }

    /// <summary>A parse's items with their paths resolved by <paramref name="resolver"/>.</summary>
    /// <exception cref="InvalidDataException">The parse met a problem: the first one.</exception>
    /// <exception cref="DatasetLayoutException">An image that cannot be found; names the item and the folders searched.</exception>
    internal static IReadOnlyList<LabeledImage> Resolve(FewShotListParse parse, ImagePathResolver resolver)
    {
        parse.ThrowIfFailed();
        IReadOnlyList<LabeledImage> raw = parse.Items;
        var resolved = new LabeledImage[raw.Count];
        for (int i = 0; i < raw.Count; i++)
        {
            string? file = resolver.TryResolve(raw[i].Path);
            if (file is null)
                throw new DatasetLayoutException(parse.Path, $"item {i + 1}: image '{raw[i].Path}' not found under {string.Join(" or ", resolver.BaseDirectories)}",
                    "point the data root at the dataset these splits were made for");
            resolved[i] = raw[i] with { Path = file };
        }
        return resolved;
    }

    /// <summary>Writes items atomically, paths relative to <paramref name="relativeTo"/> (with '/') when under it, else absolute.</summary>
    public static void Write(string path, IEnumerable<LabeledImage> items, string? relativeTo = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(items);
        List<LabeledImage> list = items.ToList();
        AtomicFile.Write(path, stream =>
        {
            foreach (LabeledImage item in list)
            {
                // A fresh writer per record: one Utf8JsonWriter writes a single JSON root value, and JSON
                // Lines needs one compact root per line.
                using (var writer = new Utf8JsonWriter(stream, LineOptions))
                {
                    writer.WriteStartObject();
                    writer.WriteString("_impath", SplitPaths.ToStored(item.Path, relativeTo));
                    writer.WriteNumber("_label", item.Label);
                    writer.WriteString("_classname", item.ClassName);
                    writer.WriteEndObject();
                }
                stream.WriteByte((byte)'\n');
            }
        });
    }

    private static LabeledImage ParseLine(string path, int lineNumber, string line)
    {
        string where = $"{path}: line {lineNumber}";
        try
        {
            using JsonDocument document = JsonDocument.Parse(line);
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("_impath", out JsonElement impath) || impath.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("_label", out JsonElement label) || label.ValueKind != JsonValueKind.Number || !label.TryGetInt32(out int labelValue)
                || !root.TryGetProperty("_classname", out JsonElement className) || className.ValueKind != JsonValueKind.String)
                throw new InvalidDataException($"{where}: expected an object with string _impath, integer _label and string _classname");
            if (labelValue < 0) throw new InvalidDataException($"{where}: negative _label {labelValue}");
            return new LabeledImage(impath.GetString()!, labelValue, className.GetString()!);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{where}: not valid JSON", e);
        }
    }
}
