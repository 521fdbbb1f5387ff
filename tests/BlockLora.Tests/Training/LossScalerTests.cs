using BlockLora.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BlockLora.Tests.Training;

public class LossScalerTests
{
    private static Parameter WithGradient(float value)
    {
        var parameter = new Parameter(zeros(3), requires_grad: true);
        parameter.grad = full(3, value);
        return parameter;
    }

    [Fact]
    public void An_inf_gradient_skips_the_step_and_halves_the_scale_then_the_scale_grows_back()
    {
        var scaler = new LossScaler(initialScale: 1024, growthInterval: 3);
        using var good = WithGradient(2048);
        Assert.True(scaler.Unscale([good]));
        Assert.Equal(2.0f, good.grad!.max().item<float>()); // divided by the scale
        scaler.Update(finite: true);

        using var overflowed = WithGradient(float.PositiveInfinity);
        Assert.False(scaler.Unscale([overflowed]));
        scaler.Update(finite: false);
        Assert.Equal(512, scaler.Scale);
        Assert.Equal((512.0, 0, 1), scaler.State);

        for (int step = 0; step < 2; step++) scaler.Update(finite: true);
        Assert.Equal(512, scaler.Scale); // not yet: the interval counts good steps since the overflow
        scaler.Update(finite: true);
        Assert.Equal(1024, scaler.Scale);
    }

    [Fact]
    public void A_nan_gradient_anywhere_reports_non_finite()
    {
        var scaler = new LossScaler();
        using var a = WithGradient(1);
        using var b = WithGradient(float.NaN);
        Assert.False(scaler.Unscale([a, b]));
    }

    [Fact]
    public void The_scaled_loss_is_the_loss_times_the_scale_and_state_round_trips()
    {
        var scaler = new LossScaler(initialScale: 8);
        using var loss = tensor(1.5f);
        using var scaled = scaler.ScaleLoss(loss);
        Assert.Equal(12f, scaled.item<float>());
        var other = new LossScaler();
        other.Restore((256, 7, 2));
        Assert.Equal((256.0, 7, 2), other.State);
        Assert.Throws<ArgumentException>(() => other.Restore((0, 0, 0)));
    }
}
