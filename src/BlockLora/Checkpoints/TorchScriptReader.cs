using TorchSharp;
using static TorchSharp.torch;

namespace BlockLora.Checkpoints;

/// <summary>
/// Reads the parameters and buffers of an OpenAI TorchScript archive (what <c>ViT-B-16.pt</c> is).
/// libtorch's TorchScript loader restores tensors and TorchScript code but no Python objects, so no
/// pickled Python runs; nothing in the archive is executed here, only its tensors are copied out.
/// </summary>
public static class TorchScriptReader
{
    public static Dictionary<string, Tensor> Read(string path)
    {
        CheckZip(path);
        jit.ScriptModule module;
        try
        {
            module = jit.load(path, DeviceType.CPU);
        }
        catch (Exception e)
        {
            throw new CheckpointException($"{path}: not a readable TorchScript archive ({FirstLine(e.Message)})");
        }
        using (module)
        {
            var state = new Dictionary<string, Tensor>();
            foreach (var (name, p) in module.named_parameters()) state[name] = p.detach().clone();
            foreach (var (name, b) in module.named_buffers()) state[name] = b.detach().clone();
            if (state.Count == 0) throw new CheckpointException($"{path}: the TorchScript archive holds no tensors");
            return state;
        }
    }

    private static void CheckZip(string path)
    {
        Span<byte> magic = stackalloc byte[4];
        using var stream = File.OpenRead(path);
        if (stream.Read(magic) < 4 || magic[0] != (byte)'P' || magic[1] != (byte)'K')
            throw new CheckpointException($"{path}: not a CLIP checkpoint (expected a TorchScript .pt archive, a .safetensors file or a Hugging Face folder)");
    }

    private static string FirstLine(string message)
    {
        var line = message.Split('\n', 2)[0].Trim();
        return line.Length > 160 ? line[..160] + "…" : line;
    }
}
