using BlockLora.Adapters;
using static TorchSharp.torch;

namespace BlockLora.Tests.Adapters;

/// <summary>The two adapters on their own: equivalences with the dense formula, n = 1 ≡ LoRA, init, dropout.</summary>
public class LowRankAdapterTests
{
    private const double Tolerance = 1e-5;   // relative, fp32 sums of at most a few hundred terms

    private static Tensor Random(long[] shape, ulong seed)
    {
        using var generator = new Generator(seed);
        return randn(shape, generator: generator);
    }

    private static void SetRandom(LowRankAdapter adapter, ulong seed)
    {
        using var _ = no_grad();
        using var a = Random(adapter.LoraA.shape, seed);
        using var b = Random(adapter.LoraB.shape, seed + 1);
        adapter.LoraA.copy_(a);
        adapter.LoraB.copy_(b);
    }

    [Theory]
    [InlineData(8, 8, 1)]
    [InlineData(16, 32, 2)]
    [InlineData(48, 24, 4)]
    [InlineData(7, 5, 3)]
    public void Block_lora_with_one_block_is_lora_outputs_and_gradients(int d, int k, int r)
    {
        using var scope = NewDisposeScope();
        using var lora = new LoraAdapter(k, d, r, scaling: 0.7, dropout: 0);
        using var block = new BlockLoraAdapter(k, d, r, blocks: 1, scaling: 0.7, dropout: 0);
        SetRandom(lora, 3);
        using (no_grad())
        {
            block.LoraA.copy_(lora.LoraA);
            block.LoraB.copy_(lora.LoraB);
        }
        var x1 = Random([2, 5, k], 9).requires_grad_(true);
        var x2 = x1.detach().clone().requires_grad_(true);
        var upstream = Random([2, 5, d], 10);

        var y1 = lora.Forward(x1, training: false);
        var y2 = block.Forward(x2, training: false);
        Assert.True(TinyClip.BitIdentical(y1, y2));

        (y1 * upstream).sum().backward();
        (y2 * upstream).sum().backward();
        Assert.True(TinyClip.BitIdentical(lora.LoraA.grad!, block.LoraA.grad!));
        Assert.True(TinyClip.BitIdentical(lora.LoraB.grad!, block.LoraB.grad!));
        Assert.True(TinyClip.BitIdentical(x1.grad!, x2.grad!));
        Assert.True(TinyClip.BitIdentical(lora.DeltaWeight(), block.DeltaWeight()));
    }

    [Theory]
    [InlineData(16, 16, 2, 1, ScalingRule.AlphaOverSqrtRank)]
    [InlineData(16, 16, 2, 4, ScalingRule.AlphaOverSqrtRank)]
    [InlineData(32, 64, 4, 8, ScalingRule.AlphaOverRank)]
    [InlineData(64, 32, 1, 32, ScalingRule.AlphaOverSqrtRank)]
    [InlineData(24, 96, 8, 3, ScalingRule.AlphaOverRank)]
    [InlineData(10, 12, 3, 6, ScalingRule.AlphaOverSqrtRank)]
    public void Folded_forward_equals_the_dense_delta_formula(int d, int k, int r, int n, ScalingRule rule)
    {
        using var scope = NewDisposeScope();
        double s = ScalingRuleNames.Factor(rule, 1.5, r);
        using var adapter = new BlockLoraAdapter(k, d, r, n, s, dropout: 0);
        SetRandom(adapter, 5);
        var x = Random([3, 4, k], 6);

        // ΔW = s · B · [A_s, …, A_s], built here independently of the adapter's DeltaWeight.
        var repeated = cat(Enumerable.Repeat(adapter.LoraA.detach(), n).ToArray(), 1);
        var dense = s * adapter.LoraB.detach().matmul(repeated);
        var expected = x.matmul(dense.t());

        var actual = adapter.Forward(x, training: false);
        Assert.Equal(new long[] { 3, 4, d }, actual.shape);
        Assert.True(TinyClip.RelativeError(actual, expected) < Tolerance, $"relative error {TinyClip.RelativeError(actual, expected):E2}");
        Assert.True(TinyClip.RelativeError(adapter.DeltaWeight(), dense) < Tolerance);
        Assert.Equal(ScalarType.Float32, adapter.DeltaWeight().dtype);
        Assert.True(linalg.matrix_rank(adapter.DeltaWeight()).item<long>() <= r);
    }

    [Theory]
    [InlineData(16, 32, 2, 4)]
    [InlineData(12, 24, 3, 8)]
    public void Block_lora_is_lora_with_a_repeated_A_and_its_gradient_is_the_sum_over_blocks(int d, int k, int r, int n)
    {
        using var scope = NewDisposeScope();
        using var block = new BlockLoraAdapter(k, d, r, n, scaling: 0.5, dropout: 0);
        using var lora = new LoraAdapter(k, d, r, scaling: 0.5, dropout: 0);
        SetRandom(block, 21);
        using (no_grad())
        {
            lora.LoraA.copy_(block.LoraA.repeat(1, n));
            lora.LoraB.copy_(block.LoraB);
        }
        var x = Random([6, k], 22);
        var upstream = Random([6, d], 23);
        var yBlock = block.Forward(x, false);
        var yLora = lora.Forward(x, false);
        Assert.True(TinyClip.RelativeError(yBlock, yLora) < Tolerance);

        (yBlock * upstream).sum().backward();
        (yLora * upstream).sum().backward();
        // A_s is shared by all n blocks, so its gradient is the sum of the n block gradients of the full A.
        var summed = lora.LoraA.grad!.view(r, n, k / n).sum(1);
        Assert.True(TinyClip.RelativeError(block.LoraA.grad!, summed) < Tolerance);
        Assert.True(TinyClip.RelativeError(block.LoraB.grad!, lora.LoraB.grad!) < Tolerance);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void Fold_sums_the_n_chunks_of_any_layout(int n)
    {
        using var scope = NewDisposeScope();
        var x = Random([8, 3], 30).t();                          // [3, 8], not contiguous
        var folded = BlockLoraAdapter.Fold(x, n);
        var expected = zeros(3, 8 / n);
        for (int i = 0; i < n; i++) expected += x.narrow(1, i * (8 / n), 8 / n);
        Assert.True(TinyClip.RelativeError(folded, expected) < 1e-6);
    }

    [Theory]
    [InlineData(AdapterMethod.Lora, 1, InitFanIn.BlockWidth, 64)]
    [InlineData(AdapterMethod.BlockLora, 8, InitFanIn.BlockWidth, 8)]
    [InlineData(AdapterMethod.BlockLora, 8, InitFanIn.FullWidth, 64)]
    [InlineData(AdapterMethod.BlockLora, 4, InitFanIn.BlockWidth, 16)]
    public void Init_is_kaiming_uniform_A_and_zero_B_seeded(AdapterMethod method, int n, InitFanIn fanIn, int expectedFanIn)
    {
        using var scope = NewDisposeScope();
        var matrix = new AdaptedMatrix("visual.transformer.resblocks.0.attn.q_proj", AdapterEncoders.Vision, 0, AdapterTargets.Q, 48, 64);
        var config = new AdapterConfig { Method = method, Blocks = n, Rank = 16, InitFanIn = fanIn, Seed = 5 };
        using var first = LowRankAdapter.Create(matrix, config);
        using var again = LowRankAdapter.Create(matrix, config);
        using var other = LowRankAdapter.Create(matrix, config with { Seed = 6 });
        using var otherPath = LowRankAdapter.Create(matrix with { Path = "transformer.resblocks.0.attn.q_proj" }, config);

        double bound = 1 / Math.Sqrt(expectedFanIn);
        double maxAbs = first.LoraA.abs().max().item<float>();
        Assert.True(maxAbs <= bound && maxAbs > 0.8 * bound, $"max |A| {maxAbs} for bound {bound}");
        Assert.Equal(0, first.LoraB.abs().max().item<float>());
        Assert.True(TinyClip.BitIdentical(first.LoraA, again.LoraA));
        Assert.False(TinyClip.BitIdentical(first.LoraA, other.LoraA));
        Assert.False(TinyClip.BitIdentical(first.LoraA, otherPath.LoraA));
        // B = 0: a fresh adapter adds exactly nothing.
        Assert.Equal(0, first.Forward(Random([2, 64], 1), false).abs().max().item<float>());
    }

    [Theory]
    [InlineData(AdapterMethod.Lora, 1)]
    [InlineData(AdapterMethod.BlockLora, 4)]
    public void Dropout_acts_in_training_only(AdapterMethod method, int n)
    {
        using var scope = NewDisposeScope();
        var matrix = new AdaptedMatrix("m", AdapterEncoders.Vision, 0, AdapterTargets.Q, 16, 32);
        var config = new AdapterConfig { Method = method, Blocks = n, Dropout = 0.5 };
        using var adapter = LowRankAdapter.Create(matrix, config);
        using var noDropout = LowRankAdapter.Create(matrix, config with { Dropout = 0 });
        SetRandom(adapter, 40);
        SetRandom(noDropout, 40);
        var x = Random([4, 10, 32], 41);

        var eval1 = adapter.Forward(x, training: false);
        var eval2 = adapter.Forward(x, training: false);
        Assert.True(TinyClip.BitIdentical(eval1, eval2));
        Assert.True(TinyClip.BitIdentical(eval1, noDropout.Forward(x, training: false)));

        var train1 = adapter.Forward(x, training: true);
        var train2 = adapter.Forward(x, training: true);
        Assert.False(TinyClip.BitIdentical(train1, train2));
        Assert.False(TinyClip.BitIdentical(train1, eval1));
        // Without dropout, training and evaluation compute the same thing.
        Assert.True(TinyClip.BitIdentical(noDropout.Forward(x, training: true), eval1));
    }

    [Fact]
    public void Widths_that_n_does_not_divide_are_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => new BlockLoraAdapter(30, 8, 2, blocks: 4, scaling: 1, dropout: 0));
        Assert.Equal("blocks n=4 does not divide the input width 30", e.Message);
    }

    [Fact]
    public void Parameters_survive_the_dispose_scope_they_were_created_in()
    {
        LoraAdapter adapter;
        using (NewDisposeScope())
        {
            adapter = new LoraAdapter(8, 4, 2, 1, 0);
        }
        using (adapter)
        {
            Assert.False(adapter.LoraA.IsInvalid);
            Assert.Equal(new long[] { 2, 8 }, adapter.LoraA.shape);
            Assert.Equal(new[] { "lora_A", "lora_B" }, adapter.NamedParameters.Select(p => p.Name));
        }
    }
}
