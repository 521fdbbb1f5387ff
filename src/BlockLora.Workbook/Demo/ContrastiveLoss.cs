using BlockLora.Torch;
using static TorchSharp.torch;

namespace BlockLora.Workbook.Demo;

/// <summary>
/// CLIP's training objective, symmetric InfoNCE: for a batch of B matching (image, text) pairs, the
/// logits are <c>exp(logit_scale) · cos(image_i, text_j)</c>; the loss is the mean of the cross-entropy
/// picking text i for image i (rows) and image i for text i (columns).
/// </summary>
public static class ContrastiveLoss
{
    /// <param name="imageFeatures">[B, D], unnormalised.</param>
    /// <param name="textFeatures">[B, D], unnormalised; row i describes image i.</param>
    /// <param name="logitScale">Scalar log of the temperature's inverse (CLIP's <c>logit_scale</c>).</param>
    /// <returns>The scalar loss and the [B, B] logits (image rows, text columns).</returns>
    public static (Tensor Loss, Tensor Logits) Symmetric(Tensor imageFeatures, Tensor textFeatures, Tensor logitScale)
    {
        if (imageFeatures.ndim != 2 || textFeatures.ndim != 2 || imageFeatures.shape[0] != textFeatures.shape[0] || imageFeatures.shape[1] != textFeatures.shape[1])
            throw new ArgumentException($"image features [{string.Join(", ", imageFeatures.shape)}] and text features [{string.Join(", ", textFeatures.shape)}] must both be [batch, dim]");
        using var scope = NewDisposeScope();
        var image = L2.Normalize(imageFeatures);
        var text = L2.Normalize(textFeatures);
        var logits = logitScale.exp() * image.matmul(text.t());
        var targets = arange(logits.shape[0], dtype: ScalarType.Int64, device: logits.device);
        var loss = (nn.functional.cross_entropy(logits, targets) + nn.functional.cross_entropy(logits.t(), targets)) / 2;
        return (loss.MoveToOuterDisposeScope(), logits.MoveToOuterDisposeScope());
    }
}
