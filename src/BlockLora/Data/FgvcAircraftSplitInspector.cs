namespace BlockLora.Data;

/// <summary>
/// Reads FGVC-Aircraft's <c>variants.txt</c> and <c>images_variant_{train,val,test}.txt</c> as
/// <see cref="FgvcAircraftSplitReader"/> does, recording every malformed line and unknown variant with its line number.
/// </summary>
internal static class FgvcAircraftSplitInspector
{
    public static SplitInventory Inspect(DatasetLocation location)
    {
        var inventory = new SplitInventory();
        string variantsPath = Path.Combine(location.DatasetDirectory, FgvcAircraftSplitReader.VariantsFile);
        string[]? variantLines = ReadLines(variantsPath, inventory);
        if (variantLines is null) return inventory;
        var labelOf = new Dictionary<string, (int Label, int Line)>(StringComparer.Ordinal);
        for (int i = 0; i < variantLines.Length; i++)
        {
            string name = variantLines[i].Trim();
            if (name.Length == 0) continue;
            if (labelOf.TryGetValue(name, out var first))
            {
                inventory.Issues.Add(DatasetIssue.Problem(DatasetIssueKind.MalformedSplitFile, variantsPath, $"line {i + 1}",
                    $"variant '{name}' is listed twice (first at line {first.Line})"));
                continue;
            }
            labelOf.Add(name, (labelOf.Count, i + 1));
            inventory.SetClassName(labelOf.Count - 1, name);
        }
        if (labelOf.Count == 0)
        {
            inventory.Issues.Add(DatasetIssue.Problem(DatasetIssueKind.MalformedSplitFile, variantsPath, "", "no variants listed"));
            inventory.Readable = false;
            return inventory;
        }

        foreach (string split in SplitInventory.SplitNames)
        {
            string path = Path.Combine(location.DatasetDirectory, $"images_variant_{split}.txt");
            string[]? lines = ReadLines(path, inventory);
            if (lines is null) continue;
            var malformed = new List<string>();
            var unknown = new List<string>();
            foreach (var (number, id, variant) in TwoFieldLines.Parse(lines, malformed))
            {
                if (!labelOf.TryGetValue(variant, out var known))
                {
                    unknown.Add($"line {number} '{variant}'");
                    continue;
                }
                inventory.Add(new SplitEntry(split, path, $"line {number}", id, Path.Combine(location.ImageDirectory, id + ".jpg"), known.Label));
            }
            if (malformed.Count > 0)
                inventory.Issues.Add(DatasetIssue.Many(DatasetIssueKind.WrongEntryTypes, path, malformed,
                    "line is not '<image id> <variant>'", "lines are not '<image id> <variant>'"));
            if (unknown.Count > 0)
                inventory.Issues.Add(DatasetIssue.Many(DatasetIssueKind.UnknownClass, path, unknown,
                    $"line names a variant that is not in {FgvcAircraftSplitReader.VariantsFile}", $"lines name variants that are not in {FgvcAircraftSplitReader.VariantsFile}"));
        }
        return inventory;
    }

    private static string[]? ReadLines(string path, SplitInventory inventory)
    {
        try
        {
            return File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            inventory.Issues.Add(DatasetIssue.Problem(DatasetIssueKind.Unreadable, path, "", $"cannot read the split file ({FolderAccess.Reason(e)})"));
            inventory.Readable = false;
            return null;
        }
    }
}
