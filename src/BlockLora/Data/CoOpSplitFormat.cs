using System.Text.Json;

namespace BlockLora.Data;

/// <summary>
/// CoOp's <c>split_zhou_&lt;Name&gt;.json</c>: <c>{"train": [[relative path, label, class name], ...], "val": [...],
/// "test": [...]}</c>, paths relative to the image folder, labels 0-based. Item order is the file's order; class names
/// are ordered by label. Every malformed entry and label conflict is recorded with its JSON path.
/// </summary>
internal sealed class CoOpSplitFormat : ISplitFormat
{
    private const string EntryShape = "[relative path, integer label, class name]";

    public static CoOpSplitFormat Instance { get; } = new();

    public SplitParse Parse(DatasetLocation location)
    {
        string file = location.SplitFilePath;
        var parse = new SplitParse();
        parse.AddSource(file);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            parse.Fail(e is FileNotFoundException or DirectoryNotFoundException ? new DatasetLayoutException(file, "split file not found") : e);
            return Unreadable(parse, DatasetIssue.Problem(DatasetIssueKind.Unreadable, file, "", $"cannot read the split file ({FolderAccess.Reason(e)})"));
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes);
        }
        catch (JsonException e)
        {
            string where = e.LineNumber is long line ? $"line {line + 1}, position {e.BytePositionInLine + 1}" : "";
            parse.Fail(new InvalidDataException($"{file}: not valid JSON{(where.Length > 0 ? $" ({where})" : "")}", e));
            return Unreadable(parse, DatasetIssue.Problem(DatasetIssueKind.MalformedSplitFile, file, where,
                $"not valid JSON ({FirstSentence(e.Message)}); the file is probably truncated or not a CoOp split file"));
        }
        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                parse.Fail(new InvalidDataException($"{file}: expected an object with \"train\", \"val\" and \"test\" lists"));
                return Unreadable(parse, DatasetIssue.Problem(DatasetIssueKind.MalformedSplitFile, file, "$",
                    $"expected an object with \"train\", \"val\" and \"test\" lists, found {Describe(root)}"));
            }
            var labels = new SplitLabelChecks(file, location.Dataset);
            var wrongTypes = new List<string>();
            foreach (string split in SplitParse.SplitNames)
            {
                if (!root.TryGetProperty(split, out JsonElement list))
                {
                    if (split != "val")
                    {
                        parse.Issues.Add(DatasetIssue.Problem(DatasetIssueKind.MalformedSplitFile, file, "$", $"no \"{split}\" list"));
                        parse.Fail(new InvalidDataException($"{file}: no \"{split}\" list"));
                    }
                    continue;
                }
                if (list.ValueKind != JsonValueKind.Array)
                {
                    parse.Fail(new InvalidDataException($"{file}: \"{split}\" is not a list"));
                    parse.Issues.Add(DatasetIssue.Problem(DatasetIssueKind.MalformedSplitFile, file, $"$.{split}",
                        $"expected a list of {EntryShape}, found {Describe(list)}"));
                    continue;
                }
                int index = 0;
                foreach (JsonElement item in list.EnumerateArray())
                {
                    string where = $"{split}[{index++}]";
                    string position = "$." + where;
                    // An empty path names the image folder itself, never an image: the same malformed entry to both.
                    if (!TryEntry(item, out string? relative, out int label, out string? className))
                    {
                        wrongTypes.Add($"{position} {Describe(item)}");
                        parse.Fail(new InvalidDataException($"{file}: {where} is not {EntryShape}"));
                        continue;
                    }
                    if (!labels.Accept(parse, position, where, label, className)) continue;
                    parse.SetClassName(label, className);
                    parse.Add(new SplitEntry(split, file, position, relative, SplitPaths.ResolveRelative(location.ImageDirectory, relative), label));
                }
            }
            if (wrongTypes.Count > 0)
                parse.Issues.Add(DatasetIssue.Many(DatasetIssueKind.WrongEntryTypes, file, wrongTypes,
                    $"entry is not {EntryShape}", $"entries are not {EntryShape}"));
            parse.Issues.AddRange(labels.Issues(parse));
        }
        return parse;
    }

    private static SplitParse Unreadable(SplitParse parse, DatasetIssue issue)
    {
        parse.Issues.Add(issue);
        parse.Readable = false;
        return parse;
    }

    private static bool TryEntry(JsonElement item, out string relative, out int label, out string className)
    {
        relative = className = "";
        label = 0;
        if (item.ValueKind != JsonValueKind.Array || item.GetArrayLength() < 3
            || item[0].ValueKind != JsonValueKind.String || item[1].ValueKind != JsonValueKind.Number || !item[1].TryGetInt32(out label)
            || item[2].ValueKind != JsonValueKind.String)
            return false;
        relative = item[0].GetString()!;
        className = item[2].GetString()!;
        return relative.Length > 0;
    }

    // What was found instead, so "wrong types" says which: [integer, string, string], an object, a string.
    private static string Describe(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Array => "[" + string.Join(", ", e.EnumerateArray().Take(4).Select(TypeName)) + (e.GetArrayLength() > 4 ? ", …" : "") + "]",
        JsonValueKind.Object => "an object",
        _ => TypeName(e) is var name && "aeiou".Contains(name[0], StringComparison.Ordinal) ? "an " + name : "a " + name,
    };

    private static string TypeName(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "list",
        JsonValueKind.String => e.GetString()!.Length == 0 ? "empty string" : "string",
        JsonValueKind.Number => e.TryGetInt32(out _) ? "integer" : "non-integer number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };

    private static string FirstSentence(string message)
    {
        // System.Text.Json appends "Path: … | LineNumber: … | BytePositionInLine: …"; the position is reported already.
        string first = message.Split('\n')[0];
        foreach (string tail in new[] { " Path:", " LineNumber:" })
        {
            int at = first.IndexOf(tail, StringComparison.Ordinal);
            if (at > 0) first = first[..at];
        }
        return first.TrimEnd('.', ' ');
    }
}
