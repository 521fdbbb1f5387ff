namespace BlockLora.Data.Downloads;

/// <summary>One released OpenAI CLIP checkpoint: its name in <c>clip.available_models()</c>, the file name
/// and the SHA-256 that is also the URL's last folder.</summary>
public sealed record ClipModelFile(string Name, string FileName, string Sha256)
{
    public FileDigest Digest => FileDigest.Sha256(Sha256);

    /// <summary><c>{baseUrl}{sha256}/{fileName}</c>, the shape of every URL in OpenAI's table.</summary>
    public Uri Url(string baseUrl) => new(new Uri(baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/"), $"{Sha256}/{FileName}");
}
