namespace BlockLora.Data;

/// <summary>
/// Whether a folder can be listed and its entries opened. A folder the user may not read looks like a missing one to
/// <see cref="Directory.Exists(string)"/> calls below it, so the data check asks first and says "cannot read" instead
/// of "not found". Nothing here recurses: symbolic-link loops cannot make it walk forever.
/// </summary>
internal static class FolderAccess
{
    /// <summary>Why <paramref name="dir"/> cannot be listed or its entries reached, or null when it can.</summary>
    public static string? ListProblem(string dir)
    {
        try
        {
            using var entries = Directory.EnumerateFileSystemEntries(dir).GetEnumerator();
            // Listing needs read permission, opening an entry needs search (x) permission too: stat the first one.
            if (entries.MoveNext() && !File.Exists(entries.Current) && !Directory.Exists(entries.Current))
                return "permission denied: its entries cannot be opened";
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Reason(e);
        }
    }

    /// <summary>The first unlistable folder from <paramref name="root"/> down to <paramref name="path"/>, or null.</summary>
    public static string? FirstUnlistable(string root, string path)
    {
        string relative = Path.GetRelativePath(root, path);
        if (relative == "." || relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative)) return null;
        string dir = root;
        foreach (string part in relative.Split(Path.DirectorySeparatorChar))
        {
            if (ListProblem(dir) is not null) return dir;
            dir = Path.Combine(dir, part);
            if (!Directory.Exists(dir)) return null;
        }
        return null;
    }

    /// <summary>A short reason for an I/O failure, without the path the message usually repeats.</summary>
    public static string Reason(Exception e) => e switch
    {
        UnauthorizedAccessException => "permission denied",
        FileNotFoundException or DirectoryNotFoundException => "not found",
        _ => e.Message.Split('\n')[0].Split(" : '")[0].Split(" in '")[0].TrimEnd('.', ' '),
    };
}
