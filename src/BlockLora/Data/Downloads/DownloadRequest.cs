namespace BlockLora.Data.Downloads;

/// <summary>One file to fetch: where from, where to, and the checksum it must have (null: not verified).</summary>
public sealed record DownloadRequest(Uri Url, string Destination, FileDigest? Expected = null);
