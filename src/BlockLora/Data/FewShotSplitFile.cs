using System.Text.Encodings.Web;
using System.Text.Json;
using BlockLora.IO;

namespace BlockLora.Data;

/// <summary>
/// The few-shot subset a run trained on, saved next to the run so it can be audited and repeated:
/// <code>
/// { "format": "blora-fewshot-split", "version": 1, "dataset": "OxfordPets", "shots": 16, "seed": 1,
///   "classesWithRepetition": 0, "emptyClasses": 0, "classNames": [...],
///   "items": [ { "path": "abyssinian_1.jpg", "label": 0, "className": "abyssinian" }, ... ] }
/// </code>
/// Paths are stored relative to a base folder (normally the image folder) when they lie under it, so
/// the file stays valid when the data root moves; otherwise absolute.
/// </summary>
public static class FewShotSplitFile
{
    public const string Format = "blora-fewshot-split";
    public const int Version = 1;

    private static readonly JsonWriterOptions WriterOptions = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes atomically (a crash leaves the old file or the new one, never half of one).</summary>
    /// <param name="relativeTo">Folder to store paths relative to (e.g. <see cref="DatasetLocation.ImageDirectory"/>); null stores absolute paths.</param>
    public static void Write(string path, FewShotSelection selection, string? relativeTo = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(selection);
        AtomicFile.Write(path, stream =>
        {
            using var writer = new Utf8JsonWriter(stream, WriterOptions);
            writer.WriteStartObject();
            writer.WriteString("format", Format);
            writer.WriteNumber("version", Version);
            writer.WriteString("dataset", selection.DatasetName);
            writer.WriteNumber("shots", selection.Shots);
            writer.WriteNumber("seed", selection.Seed);
            writer.WriteNumber("classesWithRepetition", selection.ClassesWithRepetition);
            writer.WriteNumber("emptyClasses", selection.EmptyClasses);
            writer.WriteStartArray("classNames");
            foreach (string name in selection.ClassNames) writer.WriteStringValue(name);
            writer.WriteEndArray();
            writer.WriteStartArray("items");
            foreach (LabeledImage item in selection.Items)
            {
                writer.WriteStartObject();
                writer.WriteString("path", SplitPaths.ToStored(item.Path, relativeTo));
                writer.WriteNumber("label", item.Label);
                writer.WriteString("className", item.ClassName);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        });
    }

    /// <param name="relativeTo">The folder relative paths were written against; needed only when the file holds relative paths.</param>
    /// <exception cref="InvalidDataException">Not a few-shot split file, or a malformed field; one line naming the file.</exception>
    public static FewShotSelection Read(string path, string? relativeTo = null) => Selection(Parse(path, relativeTo));

    /// <summary>
    /// The one parser of the format: a bad item or header field is recorded with its position (<c>items[3]</c>,
    /// <c>$.shots</c>) and the parse goes on; a file that is not this format at all stops it.
    /// </summary>
    internal static FewShotListParse Parse(string path, string? relativeTo = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var parse = new FewShotListParse(path);
        if (!File.Exists(path))
        {
            parse.Problem("", new DatasetLayoutException(path, "few-shot split file not found"));
            return parse;
        }
        try
        {
            using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(path));
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || ReadString(root, "format", path) != Format)
                throw new InvalidDataException($"{path}: not a {Format} file");
            int version = ReadInt(root, "version", path);
            if (version != Version) throw new InvalidDataException($"{path}: version {version} is not supported (expected {Version})");
            var classNames = ReadArray(root, "classNames", path).Select(e => e.ValueKind == JsonValueKind.String
                ? e.GetString()! : throw new InvalidDataException($"{path}: classNames must hold strings")).ToArray();
            parse.ClassNames = classNames;
            int index = 0;
            foreach (JsonElement item in ReadArray(root, "items", path))
            {
                string position = $"items[{index++}]";
                Field(parse, position, () =>
                {
                    string where = $"{path}: {position}";
                    if (item.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{where} is not an object");
                    int label = ReadInt(item, "label", where);
                    if (label < 0 || label >= classNames.Length) throw new InvalidDataException($"{where}: label {label} is outside 0..{classNames.Length - 1}");
                    parse.Add(new LabeledImage(SplitPaths.FromStored(ReadString(item, "path", where), relativeTo, path), label, ReadString(item, "className", where)), position);
                });
            }
            Field(parse, "$.dataset", () => parse.Dataset = ReadString(root, "dataset", path));
            Field(parse, "$.shots", () => parse.Shots = ReadInt(root, "shots", path));
            Field(parse, "$.seed", () => parse.Seed = ReadInt(root, "seed", path));
            Field(parse, "$.classesWithRepetition", () => parse.ClassesWithRepetition = ReadInt(root, "classesWithRepetition", path));
            Field(parse, "$.emptyClasses", () => parse.EmptyClasses = ReadInt(root, "emptyClasses", path));
        }
        catch (JsonException e)
        {
            parse.Problem(e.LineNumber is { } line ? $"line {line + 1}" : "", new InvalidDataException($"{path}: not valid JSON", e));
        }
        catch (InvalidDataException e)
        {
            parse.Problem("", e);
        }
        return parse;
    }

    /// <exception cref="InvalidDataException">The parse met a problem: the first one.</exception>
    internal static FewShotSelection Selection(FewShotListParse parse)
    {
        parse.ThrowIfFailed();
        return new FewShotSelection(parse.Dataset!, parse.Shots, parse.Seed, parse.Items, parse.ClassNames, parse.ClassesWithRepetition, parse.EmptyClasses);
    }

    // One item or header field: its problem is recorded where it is and the parse goes on with the next.
    private static void Field(FewShotListParse parse, string position, Action read)
    {
        try
        {
            read();
        }
        catch (InvalidDataException e)
        {
            parse.Problem(position, e);
        }
    }

    private static JsonElement Field(JsonElement obj, string name, string where) =>
        obj.TryGetProperty(name, out JsonElement value) ? value : throw new InvalidDataException($"{where}: missing \"{name}\"");

    private static string ReadString(JsonElement obj, string name, string where)
    {
        JsonElement value = Field(obj, name, where);
        return value.ValueKind == JsonValueKind.String ? value.GetString()! : throw new InvalidDataException($"{where}: \"{name}\" is not a string");
    }

    private static int ReadInt(JsonElement obj, string name, string where)
    {
        JsonElement value = Field(obj, name, where);
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int result)
            ? result : throw new InvalidDataException($"{where}: \"{name}\" is not an integer");
    }

    private static JsonElement.ArrayEnumerator ReadArray(JsonElement obj, string name, string where)
    {
        JsonElement value = Field(obj, name, where);
        return value.ValueKind == JsonValueKind.Array ? value.EnumerateArray() : throw new InvalidDataException($"{where}: \"{name}\" is not a list");
    }
}
