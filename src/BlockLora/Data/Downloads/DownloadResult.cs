namespace BlockLora.Data.Downloads;

/// <summary>The verified file on disk, and whether this call transferred it or found it already there.</summary>
public sealed record DownloadResult(string Path, bool Downloaded, long Length);
