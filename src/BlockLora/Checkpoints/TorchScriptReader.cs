using BlockLora.IO;
using static TorchSharp.torch;

namespace BlockLora.Checkpoints;

/// <summary>
/// Reads the parameters and buffers of an OpenAI TorchScript archive (what <c>ViT-B-16.pt</c> is) as data, through
/// <see cref="TorchScriptArchive"/>: nothing in the archive is compiled or executed, and a damaged archive is one
/// <see cref="CheckpointException"/> line, never a crash of the process inside libtorch's TorchScript loader.
/// </summary>
public static class TorchScriptReader
{
    public static Dictionary<string, Tensor> Read(string path, bool shapesOnly = false)
    {
        CheckZip(path);
        try
        {
            return TorchScriptArchive.ReadState(path, shapesOnly);
        }
        catch (FormatException e)
        {
            throw new CheckpointException(e.Message.StartsWith(path, StringComparison.Ordinal) ? e.Message : $"{path}: {e.Message}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointException($"{path}: cannot read the file ({e.Message})");
        }
    }

    private static void CheckZip(string path)
    {
        Span<byte> magic = stackalloc byte[4];
        using var stream = File.OpenRead(path);
        if (stream.Read(magic) < 4 || magic[0] != (byte)'P' || magic[1] != (byte)'K')
            throw new CheckpointException($"{path}: not a CLIP checkpoint (expected a TorchScript .pt archive, a .safetensors file or a Hugging Face folder)");
    }
}
