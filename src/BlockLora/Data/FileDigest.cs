using System.Security.Cryptography;

namespace BlockLora.Data;

/// <summary>An expected checksum of a file: the algorithm and the lower-case hex digest.</summary>
public sealed record FileDigest
{
    public FileDigest(DigestAlgorithm algorithm, string hex)
    {
        int length = algorithm == DigestAlgorithm.Sha256 ? 64 : 32;
        string normalized = hex.Trim().ToLowerInvariant();
        if (normalized.Length != length || !normalized.All(Uri.IsHexDigit))
            throw new ArgumentException($"a {Name(algorithm)} digest is {length} hex digits, got '{hex}'", nameof(hex));
        Algorithm = algorithm;
        Hex = normalized;
    }

    public DigestAlgorithm Algorithm { get; }

    public string Hex { get; }

    public static FileDigest Sha256(string hex) => new(DigestAlgorithm.Sha256, hex);

    public static FileDigest Md5(string hex) => new(DigestAlgorithm.Md5, hex);

    /// <summary>"SHA-256" or "MD5", for messages.</summary>
    public string AlgorithmName => Name(Algorithm);

    /// <summary>Hashes the file with this digest's algorithm and returns the lower-case hex.</summary>
    public string Compute(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        byte[] hash = Algorithm == DigestAlgorithm.Sha256 ? SHA256.HashData(stream) : MD5.HashData(stream);
        return Convert.ToHexStringLower(hash);
    }

    public bool Matches(string path) => Compute(path) == Hex;

    public override string ToString() => $"{AlgorithmName} {Hex}";

    private static string Name(DigestAlgorithm algorithm) => algorithm == DigestAlgorithm.Sha256 ? "SHA-256" : "MD5";
}
