namespace BlockLora.Data;

/// <summary>
/// A path with every symbolic link along it resolved, as <c>realpath(3)</c> gives, so a link that climbs back into its
/// own folder is recognised even when the data root is itself reached through a link. Gives up (null) after 40 links,
/// the kernel's own limit, so a loop ends here instead of spinning.
/// </summary>
internal static class RealPath
{
    private const int MaxLinks = 40;

    public static string? Of(string path)
    {
        var pending = new Queue<string>(Split(Path.GetFullPath(path)));
        string current = Path.GetPathRoot(Path.GetFullPath(path)) ?? "/";
        int links = 0;
        while (pending.Count > 0)
        {
            string next = Path.Combine(current, pending.Dequeue());
            string? target;
            try
            {
                target = new FileInfo(next).LinkTarget;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return null;
            }
            if (target is null)
            {
                current = next;
                continue;
            }
            if (++links > MaxLinks) return null;
            // current holds no links, so resolving the target's ".." against it lexically is right.
            string resolved = Path.GetFullPath(target, current);
            pending = new Queue<string>(Split(resolved).Concat(pending));
            current = Path.GetPathRoot(resolved) ?? "/";
        }
        return current;
    }

    /// <summary>Whether <paramref name="path"/> is <paramref name="folder"/> or lies inside it (both already real paths).</summary>
    public static bool IsSameOrInside(string path, string folder)
    {
        string f = Path.TrimEndingDirectorySeparator(folder);
        string p = Path.TrimEndingDirectorySeparator(path);
        return p == f || p.StartsWith(f + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }

    private static string[] Split(string full) => full.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
}
