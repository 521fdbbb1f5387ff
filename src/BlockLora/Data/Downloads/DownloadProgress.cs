namespace BlockLora.Data.Downloads;

/// <summary>Bytes of the destination file written so far (a resumed partial counts) and the size when the server said.</summary>
public readonly record struct DownloadProgress(long Bytes, long? Total);
