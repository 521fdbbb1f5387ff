using BlockLora.Torch;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BlockLora.Training;

/// <summary>
/// Dynamic loss scaling for fp16 training, what <c>torch.cuda.amp.GradScaler</c> does and TorchSharp 0.107 lacks:
/// the loss is multiplied by <see cref="Scale"/> before backward so small fp16 gradients do not flush to zero, the
/// gradients are divided by it again before the optimizer sees them, and a step whose gradients hold an inf or NaN is
/// skipped and the scale halved. After <see cref="GrowthInterval"/> good steps in a row the scale doubles. Defaults are
/// GradScaler's (2^16, ×2 every 2000 steps, ×0.5 on overflow). bf16 has fp32's exponent range and needs none of this.
/// </summary>
public sealed class LossScaler
{
    public LossScaler(double initialScale = 65536, int growthInterval = 2000, double growthFactor = 2, double backoffFactor = 0.5)
    {
        if (!(initialScale > 0) || growthInterval <= 0 || !(growthFactor > 1) || !(backoffFactor > 0 && backoffFactor < 1))
            throw new ArgumentException("loss scaler needs scale > 0, interval > 0, growth > 1 and 0 < backoff < 1");
        Scale = initialScale;
        GrowthInterval = growthInterval;
        GrowthFactor = growthFactor;
        BackoffFactor = backoffFactor;
    }

    public double Scale { get; private set; }
    public int GrowthInterval { get; }
    public double GrowthFactor { get; }
    public double BackoffFactor { get; }

    /// <summary>Good steps since the scale last changed.</summary>
    public int GoodSteps { get; private set; }

    /// <summary>Steps skipped because of non-finite gradients, over the scaler's life.</summary>
    public int SkippedSteps { get; private set; }

    /// <summary>The loss times <see cref="Scale"/>, to call backward on.</summary>
    public Tensor ScaleLoss(Tensor loss) => KeptScalars.Mul(loss, Scale);

    /// <summary>
    /// Divides every gradient by <see cref="Scale"/> in place and returns whether all of them are finite; when they
    /// are not, the optimizer step must be skipped (the gradients are left as they are: zero_grad clears them).
    /// </summary>
    public bool Unscale(IEnumerable<Parameter> parameters)
    {
        using var _ = no_grad();
        bool finite = true;
        foreach (var parameter in parameters)
        {
            using var grad = parameter.grad;
            if (grad is null) continue;
            using (var ok = grad.isfinite().all())
                if (!ok.item<bool>()) finite = false;
            if (finite) grad.div_(Scale);
        }
        return finite;
    }

    /// <summary>Backs the scale off after an overflow, or grows it after <see cref="GrowthInterval"/> good steps.</summary>
    public void Update(bool finite)
    {
        if (!finite)
        {
            Scale *= BackoffFactor;
            GoodSteps = 0;
            SkippedSteps++;
            return;
        }
        if (++GoodSteps < GrowthInterval) return;
        Scale *= GrowthFactor;
        GoodSteps = 0;
    }

    /// <summary>What a resume checkpoint keeps: the scale, the good-step count and the skip count.</summary>
    public (double Scale, int GoodSteps, int SkippedSteps) State => (Scale, GoodSteps, SkippedSteps);

    public void Restore((double Scale, int GoodSteps, int SkippedSteps) state)
    {
        if (!(state.Scale > 0) || state.GoodSteps < 0 || state.SkippedSteps < 0) throw new ArgumentException("invalid loss-scaler state");
        (Scale, GoodSteps, SkippedSteps) = state;
    }
}
