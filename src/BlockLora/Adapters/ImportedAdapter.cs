using static TorchSharp.torch;

namespace BlockLora.Adapters;

/// <summary>
/// An adapter set brought in from another tool, already in this project's adapter-file layout:
/// tensors named <c>&lt;OpenAI module path&gt;.lora_A</c> / <c>.lora_B</c> (fp32, contiguous, owned by
/// this record) and the string metadata of the <c>.safetensors</c> adapter format.
/// </summary>
public sealed record ImportedAdapter(IReadOnlyDictionary<string, Tensor> Tensors, IReadOnlyDictionary<string, string> Metadata) : IDisposable
{
    public void Dispose()
    {
        foreach (var t in Tensors.Values) t.Dispose();
    }
}
