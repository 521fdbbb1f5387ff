using static TorchSharp.torch;

namespace BlockLora.Torch;

/// <summary>
/// CLIP's feature normalisation, <c>x / x.norm(dim=-1, keepdim=True)</c>: image and text features are compared by
/// cosine similarity, so every path (logits, training loss, evaluation, pretraining, bench) divides the same way.
/// </summary>
public static class L2
{
    /// <summary>Each row of <paramref name="x"/> scaled to unit Euclidean length (last dimension).</summary>
    public static Tensor Normalize(Tensor x)
    {
        using var norm = x.norm(-1, keepdim: true);
        return x / norm;
    }
}
