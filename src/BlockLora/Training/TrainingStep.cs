using BlockLora.Clip;
using BlockLora.Torch;
using static TorchSharp.torch;

namespace BlockLora.Training;

/// <summary>
/// One optimizer step of the protocol, shared by <see cref="Trainer"/> and the benchmark so that what is
/// timed is what trains: cross-entropy on <c>scale · cos(image, text)</c> against one prompt per class,
/// backward, AdamW step. Text features come from <paramref name="cachedText"/> when the text encoder is
/// frozen (computed once by <see cref="FrozenTextFeatures"/>) and are re-encoded with gradients otherwise.
/// In fp16 a <see cref="LossScaler"/> scales the loss and skips steps whose gradients overflow.
/// Everything it allocates belongs to the caller's dispose scope, which should enclose exactly one step.
/// </summary>
public sealed class TrainingStep(ClipModel model, optim.Optimizer optimizer, Tensor tokens, Tensor? cachedText, double logitScale, LossScaler? scaler = null)
{
    /// <summary>Normalised text features under <c>no_grad</c>, detached: the cache for a frozen text encoder.</summary>
    public static Tensor FrozenTextFeatures(ClipModel model, Tensor tokens)
    {
        using var _ = no_grad();
        using var features = model.EncodeText(tokens);
        return L2.Normalize(features).detach();
    }

    /// <summary>Forward, loss, backward and optimizer step on one batch; returns the loss and the logits (for accuracy).</summary>
    public (Tensor Loss, Tensor Logits) Run(Tensor pixels, Tensor labels)
    {
        var image = model.EncodeImage(pixels);
        var text = cachedText ?? L2.Normalize(model.EncodeText(tokens));
        var logits = KeptScalars.Mul(L2.Normalize(image).matmul(text.t()), logitScale);
        var loss = nn.functional.cross_entropy(logits, labels);
        optimizer.zero_grad();
        if (scaler is null)
        {
            loss.backward();
            optimizer.step();
            return (loss, logits);
        }
        // fp16: backward on the scaled loss; the step runs only on finite unscaled gradients.
        using (var scaled = scaler.ScaleLoss(loss)) scaled.backward();
        bool finite = scaler.Unscale(optimizer.parameters());
        if (finite) optimizer.step();
        scaler.Update(finite);
        return (loss, logits);
    }

}
