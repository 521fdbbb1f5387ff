using BlockLora.Workbook.Demo;
using static TorchSharp.torch;

namespace BlockLora.Workbook.Tests.Demo;

/// <summary>Symmetric InfoNCE against a value worked out by hand and its limiting cases.</summary>
public class ContrastiveLossTests
{
    [Fact]
    public void Matches_the_hand_computed_value()
    {
        // Images 3·e1 and 5·e2 normalise to e1, e2; texts e1 and e1 + e2 to e1, (e1 + e2)/√2. Cosines
        // (image rows, text columns) [[1, 1/√2], [0, 1/√2]]; logit_scale = ln 2 gives logits 2 · cos.
        using var image = tensor(new float[] { 3, 0, 0, 5 }, [2, 2]); // norms differ: the loss must normalise
        using var text = tensor(new float[] { 1, 0, 1, 1 }, [2, 2]);
        using var logScale = tensor(MathF.Log(2));
        var (loss, logits) = ContrastiveLoss.Symmetric(image, text, logScale);
        double r = 1 / Math.Sqrt(2), s = 2;
        double[,] l = { { s, s * r }, { 0, s * r } };
        double Ce(double own, double other) => -own + Math.Log(Math.Exp(own) + Math.Exp(other));
        double rows = (Ce(l[0, 0], l[0, 1]) + Ce(l[1, 1], l[1, 0])) / 2;
        double columns = (Ce(l[0, 0], l[1, 0]) + Ce(l[1, 1], l[0, 1])) / 2;
        Assert.Equal((rows + columns) / 2, loss.item<float>(), 5);
        Assert.Equal(s * r, logits[0, 1].item<float>(), 5);
        loss.Dispose(); logits.Dispose();
    }

    [Fact]
    public void Is_ln_batch_when_nothing_is_told_apart_and_near_zero_when_pairs_are_distinct()
    {
        using var same = ones(8, 4);
        using var scale = tensor(MathF.Log(100));
        var (chance, l1) = ContrastiveLoss.Symmetric(same, same, scale);
        Assert.Equal(Math.Log(8), chance.item<float>(), 5);

        using var eye8 = eye(8);
        var (perfect, l2) = ContrastiveLoss.Symmetric(eye8, eye8 * 3, scale);
        Assert.True(perfect.item<float>() < 1e-6, $"loss {perfect.item<float>()}");
        chance.Dispose(); perfect.Dispose(); l1.Dispose(); l2.Dispose();
    }

    [Fact]
    public void Is_symmetric_in_images_and_texts_and_gives_gradients_to_both_and_the_scale()
    {
        manual_seed(3);
        using var image = randn(6, 5).requires_grad_();
        using var text = randn(6, 5).requires_grad_();
        using var logScale = tensor(1.5f).requires_grad_();
        var (forward, a) = ContrastiveLoss.Symmetric(image, text, logScale);
        var (swapped, b) = ContrastiveLoss.Symmetric(text, image, logScale);
        Assert.Equal(forward.item<float>(), swapped.item<float>(), 5);
        forward.backward();
        Assert.True(image.grad is { } gi && gi.abs().sum().item<float>() > 0);
        Assert.True(text.grad is { } gt && gt.abs().sum().item<float>() > 0);
        Assert.True(logScale.grad is { } gs && gs.item<float>() != 0);
        forward.Dispose(); swapped.Dispose(); a.Dispose(); b.Dispose();
    }

    [Fact]
    public void Rejects_mismatched_batches()
    {
        using var image = zeros(4, 3);
        using var text = zeros(5, 3);
        using var scale = tensor(0f);
        Assert.Throws<ArgumentException>(() => ContrastiveLoss.Symmetric(image, text, scale));
    }
}
