using System.Text.Json;

namespace BlockLora.Data;

/// <summary>
/// Reads a CoOp <c>split_zhou_*.json</c> as <see cref="CoOpSplitReader"/> does, but records every malformed entry and
/// label conflict (with its JSON path) instead of stopping at the first, so <c>blora data check</c> can list them all.
/// </summary>
internal static class CoOpSplitInspector
{
    private const string EntryShape = "[relative path, integer label, class name]";

    public static SplitInventory Inspect(DatasetLocation location)
    {
        string file = location.SplitFilePath;
        var inventory = new SplitInventory();
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Unreadable(inventory, DatasetIssue.Problem(DatasetIssueKind.Unreadable, file, "", $"cannot read the split file ({FolderAccess.Reason(e)})"));
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes);
        }
        catch (JsonException e)
        {
            string where = e.LineNumber is long line ? $"line {line + 1}, position {e.BytePositionInLine + 1}" : "";
            return Unreadable(inventory, DatasetIssue.Problem(DatasetIssueKind.MalformedSplitFile, file, where,
                $"not valid JSON ({FirstSentence(e.Message)}); the file is probably truncated or not a CoOp split file"));
        }
        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return Unreadable(inventory, DatasetIssue.Problem(DatasetIssueKind.MalformedSplitFile, file, "$",
                    $"expected an object with \"train\", \"val\" and \"test\" lists, found {Describe(root)}"));
            var labels = new SplitLabelChecks(file, location.Dataset);
            var wrongTypes = new List<string>();
            foreach (string split in SplitInventory.SplitNames)
            {
                if (!root.TryGetProperty(split, out JsonElement list))
                {
                    if (split != "val")
                        inventory.Issues.Add(DatasetIssue.Problem(DatasetIssueKind.MalformedSplitFile, file, "$", $"no \"{split}\" list"));
                    continue;
                }
                if (list.ValueKind != JsonValueKind.Array)
                {
                    inventory.Issues.Add(DatasetIssue.Problem(DatasetIssueKind.MalformedSplitFile, file, $"$.{split}",
                        $"expected a list of {EntryShape}, found {Describe(list)}"));
                    continue;
                }
                int index = 0;
                foreach (JsonElement item in list.EnumerateArray())
                {
                    string position = $"$.{split}[{index++}]";
                    if (!TryEntry(item, out string? relative, out int label, out string? className))
                    {
                        wrongTypes.Add($"{position} {Describe(item)}");
                        continue;
                    }
                    if (!labels.Accept(position, label, className)) continue;
                    inventory.SetClassName(label, className);
                    inventory.Add(new SplitEntry(split, file, position, relative, CoOpSplitReader.ResolveRelative(location.ImageDirectory, relative), label));
                }
            }
            if (wrongTypes.Count > 0)
                inventory.Issues.Add(DatasetIssue.Many(DatasetIssueKind.WrongEntryTypes, file, wrongTypes,
                    $"entry is not {EntryShape}", $"entries are not {EntryShape}"));
            inventory.Issues.AddRange(labels.Issues(inventory.ClassNames));
        }
        return inventory;
    }

    private static SplitInventory Unreadable(SplitInventory inventory, DatasetIssue issue)
    {
        inventory.Issues.Add(issue);
        inventory.Readable = false;
        return inventory;
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
