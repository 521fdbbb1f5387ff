using BlockLora.Adapters;
using BlockLora.Clip;
using static TorchSharp.torch;

namespace BlockLora.Tests.Adapters;

/// <summary>DoRA and Block-DoRA on one layer, against W = m ⊙ (W0 + s·B·A)/‖W0 + s·B·A‖ written here with plain tensor ops.</summary>
public class DoraAdapterTests
{
    private const long K = 16, D = 12;

    private static Tensor Random(long[] shape, ulong seed)
    {
        using var generator = new Generator(seed);
        return randn(shape, generator: generator);
    }

    private static DoraAdapter Create(int blocks, double scaling = 0.7) => new(blocks == 1
        ? new LoraAdapter(K, D, rank: 2, scaling, dropout: 0)
        : new BlockLoraAdapter(K, D, rank: 2, blocks, scaling, dropout: 0));

    /// <summary>The dense A [r, k]: A_s tiled n times.</summary>
    private static Tensor DenseA(DoraAdapter dora) => dora.Inner.LoraA.detach().repeat(1, dora.Inner.Blocks);

    /// <summary>m ⊙ (W0 + s·B·A) / ‖W0 + s·B·A‖ per output row.</summary>
    private static Tensor HandMerged(Tensor w0, DoraAdapter dora)
    {
        var w = w0 + dora.Inner.Scaling * dora.Inner.LoraB.detach().matmul(DenseA(dora));
        var norm = w.pow(2).sum(1, keepdim: true).sqrt();
        return dora.Magnitude.detach().unsqueeze(1) * w / norm;
    }

    private static void Perturb(DoraAdapter dora, ulong seed)
    {
        using var _ = no_grad();
        dora.Inner.LoraA.copy_(Random(dora.Inner.LoraA.shape, seed));
        dora.Inner.LoraB.copy_(Random(dora.Inner.LoraB.shape, seed + 1) * 0.3);
        dora.Magnitude.add_(Random(dora.Magnitude.shape, seed + 2) * 0.2);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void A_fresh_adapter_has_m_equal_to_the_row_norms_and_leaves_the_output_unchanged(int blocks)
    {
        using var scope = NewDisposeScope();
        using var layer = new AdaptableLinear(K, D);
        var x = Random([3, 5, K], 1);
        Tensor plain;
        using (no_grad()) plain = layer.forward(x);
        var dora = Create(blocks);
        layer.Attach(dora);
        Assert.True(TinyClip.RelativeError(dora.Magnitude.detach(), layer.Weight.detach().pow(2).sum(1).sqrt()) < 1e-6);
        using (no_grad()) Assert.True((layer.forward(x) - plain).abs().max().item<float>() < 1e-6);
        layer.Detach()!.Dispose();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void Forward_equals_the_hand_merge_and_merged_equals_unmerged_and_unmerge_restores_W0(int blocks)
    {
        using var scope = NewDisposeScope();
        using var layer = new AdaptableLinear(K, D);
        var w0 = layer.Weight.detach().clone();
        var bias = layer.Bias!.detach().clone();
        var x = Random([3, 5, K], 2);
        var dora = Create(blocks);
        layer.Attach(dora);
        Perturb(dora, 10);

        Tensor unmerged;
        using (no_grad()) unmerged = layer.forward(x);
        var expected = nn.functional.linear(x, HandMerged(w0, dora), bias);
        Assert.True(TinyClip.RelativeError(unmerged, expected) < 1e-5, $"forward vs hand merge {TinyClip.RelativeError(unmerged, expected):E2}");
        Assert.True(TinyClip.RelativeError(unmerged, nn.functional.linear(x, w0, bias)) > 1e-3, "the perturbed adapter must change the output");

        for (int i = 0; i < 100; i++)
        {
            layer.Merge();
            if (i == 0)
            {
                Assert.True(TinyClip.RelativeError(layer.Weight.detach(), HandMerged(w0, dora)) < 1e-6);
                using (no_grad()) Assert.True(TinyClip.RelativeError(layer.forward(x), unmerged) < 1e-5);
            }
            layer.Unmerge();
        }
        Assert.True(TinyClip.BitIdentical(w0, layer.Weight));
        using (no_grad()) Assert.True(TinyClip.BitIdentical(unmerged, layer.forward(x)));
        layer.Detach()!.Dispose();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void Gradients_of_m_and_B_treat_the_norm_as_a_constant(int blocks)
    {
        using var scope = NewDisposeScope();
        using var layer = new AdaptableLinear(K, D);
        var w0 = layer.Weight.detach().clone();
        var bias = layer.Bias!.detach().clone();
        var x = Random([4, K], 3);
        var upstream = Random([4, D], 4);
        var dora = Create(blocks);
        layer.Attach(dora);
        Perturb(dora, 20);

        (layer.forward(x) * upstream).sum().backward();

        // PEFT's expression with ‖W0 + s·B·A‖ computed from detached tensors, differentiated by autograd here.
        var m = dora.Magnitude.detach().clone().requires_grad_(true);
        var b = dora.Inner.LoraB.detach().clone().requires_grad_(true);
        var a = DenseA(dora);
        double s = dora.Inner.Scaling;
        var norm = (w0 + s * b.detach().matmul(a)).pow(2).sum(1).sqrt().detach();
        var scale = m / norm;
        var baseResult = nn.functional.linear(x, w0);
        var result = nn.functional.linear(x, w0, bias) + (scale - 1) * baseResult + scale * (s * nn.functional.linear(nn.functional.linear(x, a), b));
        (result * upstream).sum().backward();

        Assert.True(TinyClip.RelativeError(dora.Magnitude.grad!, m.grad!) < 1e-5, $"dL/dm {TinyClip.RelativeError(dora.Magnitude.grad!, m.grad!):E2}");
        Assert.True(TinyClip.RelativeError(dora.Inner.LoraB.grad!, b.grad!) < 1e-5, $"dL/dB {TinyClip.RelativeError(dora.Inner.LoraB.grad!, b.grad!):E2}");
        layer.Detach()!.Dispose();
    }

    [Fact]
    public void Loaded_magnitudes_are_kept_when_attached()
    {
        using var scope = NewDisposeScope();
        using var layer = new AdaptableLinear(K, D);
        var dora = Create(4);
        var values = Random([D], 5).abs();
        using (no_grad()) dora.Magnitude.copy_(values);
        dora.ParametersAssigned();
        layer.Attach(dora);
        Assert.True(TinyClip.BitIdentical(values, dora.Magnitude.detach()));
        layer.Detach()!.Dispose();
    }

    [Theory]
    [InlineData(AdapterMethod.Lora, 1, "DoRA r=2")]
    [InlineData(AdapterMethod.BlockLora, 4, "Block-DoRA r=2 n=4")]
    public void Labels_name_DoRA_and_leave_plain_labels_alone(AdapterMethod method, int blocks, string label)
    {
        Assert.Equal(label, method.Label(2, blocks, dora: true));
        Assert.Equal(method.Label(2, blocks), method.Label(2, blocks, dora: false));
    }
}
