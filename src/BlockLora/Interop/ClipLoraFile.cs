using System.IO.Compression;
using BlockLora.IO;

namespace BlockLora.Interop;

/// <summary>
/// Tells a CLIP-LoRA <c>.pt</c> (a torch.save zip) apart from a safetensors adapter, so that a reader
/// expecting one does not report the other's bytes as a bad header. Which blocks a CLIP-LoRA file
/// adapts follows from its base's layer counts (see <see cref="ClipLoraImport"/>), so without a base
/// it can be recognised but not read.
/// </summary>
public static class ClipLoraFile
{
    /// <summary>True when the file starts like a zip archive, as every torch.save file since PyTorch 1.6 does; a safetensors file starts with its header length.</summary>
    public static bool IsTorchZip(string path)
    {
        Span<byte> magic = stackalloc byte[4];
        try
        {
            using var stream = File.OpenRead(path);
            if (stream.Read(magic) < magic.Length) return false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Whatever stops this read stops the real reader too, which says so with the file's name.
            return false;
        }
        return magic.SequenceEqual("PK\x03\x04"u8);
    }

    /// <summary>
    /// For a torch zip that is a TorchScript model (OpenAI's <c>ViT-B-16.pt</c>, say) rather than a torch.save
    /// file, the one-line reason it is no adapter; null otherwise. The torch.save reader would refuse it
    /// too, but in a model loader's words.
    /// </summary>
    public static string? TorchScriptMessage(string path)
    {
        try
        {
            using var zip = ZipFile.OpenRead(path);
            return zip.Entries.Any(e => e.FullName.EndsWith("/constants.pkl", StringComparison.Ordinal))
                ? $"{path}: a TorchScript archive (a model saved with torch.jit.save), not an adapter; adapter files are .safetensors or CLIP-LoRA .pt"
                : null;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            return null; // the torch.save reader says what is wrong with the archive
        }
    }

    /// <summary>
    /// The one-line reason a torch zip cannot be read as an adapter without a base: for a CLIP-LoRA file,
    /// what it is and how to convert it; for any other, what it is not.
    /// </summary>
    public static string WithoutBaseMessage(string path)
    {
        if (TorchScriptMessage(path) is { } torchScript) return torchScript;
        object? root;
        try
        {
            root = TorchZipPickleReader.Load(path);
        }
        catch (FormatException e)
        {
            return e.Message.StartsWith(path, StringComparison.Ordinal) ? e.Message : $"{path}: {e.Message}";
        }
        try
        {
            if (root is Dictionary<object, object?> top && top.ContainsKey("weights")
                && top.TryGetValue("metadata", out var m) && m is Dictionary<object, object?> metadata)
            {
                string encoder = metadata.TryGetValue("encoder", out var e) && e is string es ? es : "?";
                string position = metadata.TryGetValue("position", out var p) && p is string ps ? ps : "?";
                return $"{path}: this is a CLIP-LoRA .pt (encoder {encoder}, position {position}), whose adapted blocks depend on the base's layer counts: " +
                    $"convert it with blora adapter import-clip-lora {path} OUT.safetensors --model M, or give --model M to read it for that base";
            }
            return $"{path}: a torch.save (.pt) file but not a CLIP-LoRA adapter (no 'weights' and 'metadata' dicts); adapter files are .safetensors";
        }
        finally
        {
            foreach (var t in ClipLoraImport.TensorsIn(root)) t.Dispose();
        }
    }
}
