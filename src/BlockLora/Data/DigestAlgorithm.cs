namespace BlockLora.Data;

/// <summary>
/// Hash a published checksum uses. SHA-256 wherever a source publishes one (OpenAI puts it in the CLIP
/// URLs, torchvision's prototype datasets list it); MD5 only where that is all that was published.
/// </summary>
public enum DigestAlgorithm
{
    Sha256,
    Md5,
}
