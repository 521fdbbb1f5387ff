using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace BlockLora.Experiments;

/// <summary>
/// A cheap content fingerprint of a checkpoint for run identities: SHA-256 of its length and its first MiB (the
/// safetensors header and the first tensors; for a TorchScript .pt, the zip's first entries), not a read of gigabytes.
/// Two different checkpoints with the same name get different identities; a copy of the same file gets the same one.
/// A Hugging Face folder is fingerprinted by its model.safetensors. Cached per path, length and modification time.
/// </summary>
public static class BackboneFingerprint
{
    private const int PrefixBytes = 1 << 20;
    private static readonly ConcurrentDictionary<(string Path, long Length, DateTime Modified), string> cache = new();

    public static string Of(string modelPath)
    {
        string file = Directory.Exists(modelPath) ? Path.Combine(modelPath, "model.safetensors") : modelPath;
        var info = new FileInfo(file);
        if (!info.Exists) throw new FileNotFoundException($"{modelPath}: model not found", modelPath);
        return cache.GetOrAdd((info.FullName, info.Length, info.LastWriteTimeUtc), key =>
        {
            using var stream = File.OpenRead(key.Path);
            var prefix = new byte[(int)Math.Min(PrefixBytes, key.Length)];
            stream.ReadExactly(prefix);
            using var sha = SHA256.Create();
            var length = BitConverter.GetBytes(key.Length);
            sha.TransformBlock(length, 0, length.Length, null, 0);
            sha.TransformFinalBlock(prefix, 0, prefix.Length);
            return Convert.ToHexString(sha.Hash!).ToLowerInvariant();
        });
    }
}
