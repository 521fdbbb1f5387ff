namespace BlockLora.Data;

/// <summary>
/// Whether a path a split names is a file training can open, without reading it. <see cref="File.Exists(string)"/> is
/// true for a link to nothing and for a link loop (it falls back to the link itself), so links are resolved here.
/// </summary>
internal static class ImageFileProbe
{
    public enum State { Ok, Missing, NotAFile, DanglingLink, SymlinkLoop, Unreadable }

    public static State Check(string path)
    {
        var info = new FileInfo(path);
        if (info.Exists) return (info.Attributes & FileAttributes.ReparsePoint) == 0 ? State.Ok : CheckLink(info);
        if (Directory.Exists(path)) return State.NotAFile;
        try
        {
            // Not found by stat, yet perhaps there: a folder above it that may be listed but not searched says so here.
            using var handle = File.OpenHandle(path);
            return State.Ok;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return State.Missing;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return State.Unreadable;
        }
    }

    /// <summary>Follows a link to its final target (the runtime stops after 40 hops, so a loop ends in an error, not a hang).</summary>
    public static State CheckLink(FileSystemInfo link)
    {
        try
        {
            FileSystemInfo? target = link.ResolveLinkTarget(returnFinalTarget: true);
            if (target is null) return State.Ok;
            if (File.Exists(target.FullName)) return State.Ok;
            return Directory.Exists(target.FullName) ? State.NotAFile : State.DanglingLink;
        }
        catch (UnauthorizedAccessException)
        {
            return State.Unreadable;
        }
        catch (IOException)
        {
            return State.SymlinkLoop;
        }
    }

    /// <summary>"does not exist", "is a folder", …: completes "N entries name an image file that …".</summary>
    public static string Describe(State state) => state switch
    {
        State.Missing => "does not exist",
        State.NotAFile => "is a folder, not a file",
        State.DanglingLink => "is a symbolic link to nothing",
        State.SymlinkLoop => "is a symbolic-link loop",
        State.Unreadable => "cannot be reached (permission denied)",
        _ => "is fine",
    };
}
