namespace BlockLora.Data;

/// <summary>A file's length and time of last write, or a folder's time of last write (which changes with its entries).</summary>
internal readonly record struct SourceStamp(string Path, long Length, DateTime Written)
{
    public static SourceStamp Of(string path)
    {
        var file = new FileInfo(path);
        if (file.Exists) return new SourceStamp(path, file.Length, file.LastWriteTimeUtc);
        var dir = new DirectoryInfo(path);
        return new SourceStamp(path, -1, dir.Exists ? dir.LastWriteTimeUtc : DateTime.MinValue);
    }

    public bool IsCurrent => Of(Path) == this;
}
