namespace BlockLora.Data.Downloads;

/// <summary>
/// A download, a checksum or an archive that cannot be used. The message is one line naming the URL or
/// file, so the CLI can print it as it is.
/// </summary>
public sealed class DownloadException : Exception
{
    public DownloadException(string message) : base(message) { }

    public DownloadException(string message, Exception inner) : base(message, inner) { }
}
