namespace BlockLora.Data;

/// <summary>
/// Lists the image files and class folders of folder-per-class layouts in a fixed order. Entries are
/// sorted by ordinal path, as Python's <c>sorted(os.listdir(...))</c> in CoOp sorts them, so labels and
/// item order never depend on the file system's enumeration order.
/// </summary>
internal static class ImageFiles
{
    // Formats ImageSharp 2.1 decodes; other files (README.txt, Thumbs.db, annotations) are not images.
    private static readonly HashSet<string> Extensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".jpg", ".jpeg", ".png", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".tga", ".pbm", ".pgm", ".ppm",
    };

    public static bool IsImage(string path) => Extensions.Contains(Path.GetExtension(path));

    /// <summary>Non-hidden image files directly inside <paramref name="dir"/>, ordinal-sorted full paths.</summary>
    public static string[] In(string dir)
    {
        string[] files = Directory.EnumerateFiles(dir)
            .Where(f => !IsHidden(f) && IsImage(f))
            .ToArray();
        Array.Sort(files, StringComparer.Ordinal);
        return files;
    }

    /// <summary>Non-hidden sub-folder names of <paramref name="dir"/>, ordinal-sorted.</summary>
    public static string[] FolderNames(string dir)
    {
        string[] names = Directory.EnumerateDirectories(dir)
            .Select(d => Path.GetFileName(d))
            .Where(n => !n.StartsWith('.'))
            .ToArray();
        Array.Sort(names, StringComparer.Ordinal);
        return names;
    }

    private static bool IsHidden(string path) => Path.GetFileName(path).StartsWith('.');
}
