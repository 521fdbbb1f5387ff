namespace BlockLora.Data;

/// <summary>
/// A dataset folder, image folder or split file that is missing or unreadable. The message is one line,
/// "path: problem; fix: what to do", so the CLI can print it as it is.
/// </summary>
public sealed class DatasetLayoutException : Exception
{
    public DatasetLayoutException(string path, string problem, string? fix = null, Exception? inner = null)
        : base(OneLine(fix is null ? $"{path}: {problem}" : $"{path}: {problem}; fix: {fix}"), inner)
    {
        Path = path;
        Problem = problem;
        Fix = fix;
    }

    public string Path { get; }

    public string Problem { get; }

    public string? Fix { get; }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
