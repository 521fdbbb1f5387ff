namespace BlockLora.Data;

/// <summary>
/// One thing wrong with a dataset on disk. <see cref="File"/> is the file or folder it is in and <see cref="Position"/>
/// where in it (a JSON path such as <c>$.train[3]</c>, a line, empty for the whole file); an issue that many entries
/// share is one issue with their <see cref="Count"/> and the first few <see cref="Examples"/>, each naming its position.
/// </summary>
public sealed record DatasetIssue(
    DatasetIssueSeverity Severity,
    DatasetIssueKind Kind,
    string File,
    string Position,
    string Message,
    int Count,
    IReadOnlyList<string> Examples)
{
    /// <summary>How many examples an aggregated issue keeps (the count says how many there were).</summary>
    public const int MaxExamples = 5;

    public bool IsProblem => Severity == DatasetIssueSeverity.Problem;

    internal static DatasetIssue Problem(DatasetIssueKind kind, string file, string position, string message) =>
        new(DatasetIssueSeverity.Problem, kind, file, position, message, 1, []);

    /// <param name="examples">Every occurrence; the issue keeps the first <see cref="MaxExamples"/> and the count.</param>
    internal static DatasetIssue Warning(DatasetIssueKind kind, string file, string message, IReadOnlyList<string>? examples = null) =>
        new(DatasetIssueSeverity.Warning, kind, file, "", message, Math.Max(1, examples?.Count ?? 0), examples?.Take(MaxExamples).ToArray() ?? []);

    /// <summary>One problem standing for <paramref name="examples"/>.Count occurrences; <paramref name="message"/> gets the count in front.</summary>
    internal static DatasetIssue Many(DatasetIssueKind kind, string file, IReadOnlyList<string> examples, string one, string many) =>
        new(DatasetIssueSeverity.Problem, kind, file, "", examples.Count == 1 ? $"1 {one}" : $"{examples.Count} {many}", examples.Count,
            examples.Take(MaxExamples).ToArray());

    /// <summary>One line: "file: position: message (first: …)"; no line breaks whatever the paths hold.</summary>
    public override string ToString()
    {
        string where = Position.Length == 0 ? "" : $"{Position}: ";
        string first = Examples.Count == 0 ? ""
            : $" ({(Count > Examples.Count ? "first: " : "")}{string.Join("; ", Examples)}{(Count > Examples.Count ? "; …" : "")})";
        return $"{File}: {where}{Message}{first}".ReplaceLineEndings(" ");
    }
}
