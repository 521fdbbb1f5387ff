namespace BlockLora.Data;

/// <summary>How split files store image paths: relative with '/' when under a base folder (portable), else absolute.</summary>
internal static class SplitPaths
{
    public static string ToStored(string path, string? relativeTo)
    {
        string full = Path.GetFullPath(path);
        if (relativeTo is null) return full;
        string relative = Path.GetRelativePath(Path.GetFullPath(relativeTo), full);
        bool outside = relative == ".." || relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal) || Path.IsPathRooted(relative);
        return outside ? full : relative.Replace(Path.DirectorySeparatorChar, '/');
    }

    public static string FromStored(string stored, string? relativeTo, string file)
    {
        if (Path.IsPathRooted(stored)) return Path.GetFullPath(stored);
        if (relativeTo is null)
            throw new InvalidDataException($"{file}: '{stored}' is a relative path; pass the folder it is relative to");
        return ResolveRelative(relativeTo, stored);
    }

    // Split files are written on Linux with '/' separators; Path.Combine keeps them working elsewhere too.
    public static string ResolveRelative(string directory, string relative) =>
        Path.GetFullPath(Path.Combine(directory, relative.Replace('/', Path.DirectorySeparatorChar)));
}
