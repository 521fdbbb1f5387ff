namespace BlockLora.IO;

/// <summary>
/// Writes a folder of files all or nothing: they are written into a hidden staging folder beside the target, which is
/// renamed onto the target only when every file is complete. The target must be absent or empty (an existing
/// non-empty folder is replaced only when the caller says so), so nothing a user had is lost to a failed write.
/// </summary>
public static class AtomicFolder
{
    public static void Write(string folder, Action<string> writeInto, bool replaceNonEmpty = false)
    {
        string full = Path.GetFullPath(Path.TrimEndingDirectorySeparator(folder));
        if (File.Exists(full)) throw new IOException($"{folder}: exists and is a file, not a folder");
        bool exists = Directory.Exists(full);
        if (exists && Directory.EnumerateFileSystemEntries(full).Any() && !replaceNonEmpty)
            throw new IOException($"{folder}: folder exists and is not empty (pass --force to replace it)");
        string parent = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(parent);
        string staging = Path.Combine(parent, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        Directory.CreateDirectory(staging);
        try
        {
            writeInto(staging);
            string? old = null;
            if (exists)
            {
                old = staging + ".old";
                Directory.Move(full, old);
            }
            try
            {
                Directory.Move(staging, full);
            }
            catch when (old is not null)
            {
                Directory.Move(old, full); // put the user's folder back
                throw;
            }
            if (old is not null) Directory.Delete(old, recursive: true);
        }
        catch
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
            throw;
        }
    }
}
