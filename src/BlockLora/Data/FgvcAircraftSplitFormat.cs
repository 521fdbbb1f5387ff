namespace BlockLora.Data;

/// <summary>
/// FGVC-Aircraft's own split files, read as CoOp does: class names are the lines of <c>variants.txt</c> and labels their
/// line order (CoOp enumerates the file, it does not sort it); each line of <c>images_variant_{train,val,test}.txt</c>
/// is "&lt;image id&gt; &lt;variant name&gt;", the image being <c>images/&lt;id&gt;.jpg</c>. Every malformed line and
/// unknown variant is recorded with its line number.
/// </summary>
internal sealed class FgvcAircraftSplitFormat : ISplitFormat
{
    private const string VariantsFile = FgvcAircraftSplitReader.VariantsFile;

    public static FgvcAircraftSplitFormat Instance { get; } = new();

    public SplitParse Parse(DatasetLocation location)
    {
        var parse = new SplitParse();
        string variantsPath = Path.Combine(location.DatasetDirectory, VariantsFile);
        string[]? variantLines = ReadLines(variantsPath, parse);
        if (variantLines is null) return parse;
        var labelOf = new Dictionary<string, (int Label, int Line)>(StringComparer.Ordinal);
        for (int i = 0; i < variantLines.Length; i++)
        {
            string name = variantLines[i].Trim();
            if (name.Length == 0) continue;
            if (labelOf.TryGetValue(name, out var first))
            {
                parse.Issues.Add(DatasetIssue.Problem(DatasetIssueKind.MalformedSplitFile, variantsPath, $"line {i + 1}",
                    $"variant '{name}' is listed twice (first at line {first.Line})"));
                parse.Fail(new InvalidDataException($"{variantsPath}: variant '{name}' is listed twice"));
                continue;
            }
            labelOf.Add(name, (labelOf.Count, i + 1));
            parse.SetClassName(labelOf.Count - 1, name);
        }
        if (labelOf.Count == 0)
        {
            parse.Issues.Add(DatasetIssue.Problem(DatasetIssueKind.MalformedSplitFile, variantsPath, "", "no variants listed"));
            parse.Fail(new InvalidDataException($"{variantsPath}: no variants listed"));
            parse.Readable = false;
            return parse;
        }

        foreach (string split in SplitParse.SplitNames)
        {
            string path = Path.Combine(location.DatasetDirectory, $"images_variant_{split}.txt");
            string[]? lines = ReadLines(path, parse);
            if (lines is null) continue;
            var malformed = new List<string>();
            var unknown = new List<string>();
            foreach (var line in TwoFieldLines.Parse(lines))
            {
                if (line.IsMalformed)
                {
                    malformed.Add(line.Example);
                    parse.Fail(new InvalidDataException($"{path}: line {line.Number} is not '<image id> <variant>'"));
                    continue;
                }
                if (!labelOf.TryGetValue(line.Rest, out var known))
                {
                    unknown.Add($"line {line.Number} '{line.Rest}'");
                    parse.Fail(new InvalidDataException($"{path}: line {line.Number}: variant '{line.Rest}' is not in {VariantsFile}"));
                    continue;
                }
                parse.Add(new SplitEntry(split, path, $"line {line.Number}", line.Key, Path.Combine(location.ImageDirectory, line.Key + ".jpg"), known.Label));
            }
            if (malformed.Count > 0)
                parse.Issues.Add(DatasetIssue.Many(DatasetIssueKind.WrongEntryTypes, path, malformed,
                    "line is not '<image id> <variant>'", "lines are not '<image id> <variant>'"));
            if (unknown.Count > 0)
                parse.Issues.Add(DatasetIssue.Many(DatasetIssueKind.UnknownClass, path, unknown,
                    $"line names a variant that is not in {VariantsFile}", $"lines name variants that are not in {VariantsFile}"));
        }
        return parse;
    }

    private static string[]? ReadLines(string path, SplitParse parse)
    {
        parse.AddSource(path);
        try
        {
            return File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            parse.Issues.Add(DatasetIssue.Problem(DatasetIssueKind.Unreadable, path, "", $"cannot read the split file ({FolderAccess.Reason(e)})"));
            parse.Fail(e is FileNotFoundException or DirectoryNotFoundException ? new DatasetLayoutException(path, "split file not found") : e);
            parse.Readable = false;
            return null;
        }
    }
}
