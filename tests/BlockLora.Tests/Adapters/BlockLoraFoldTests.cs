using BlockLora.Adapters;
using static TorchSharp.torch;

namespace BlockLora.Tests.Adapters;

/// <summary>
/// Fast path (a): Block-LoRA's forward folds the input (sums its n chunks) and multiplies by the small
/// A_s, never building the dense ΔW. It must equal s·ΔW·x through the dense matrix, in value and in the
/// gradients it gives A_s and B.
/// </summary>
public class BlockLoraFoldTests
{
    [Theory]
    [InlineData(768, 768, 2, 8)]
    [InlineData(512, 512, 4, 2)]
    [InlineData(768, 3072, 2, 256)]
    [InlineData(64, 48, 3, 1)]
    public void Fold_then_small_matmul_equals_the_dense_delta_weight(int d, int k, int r, int n)
    {
        using var scope = NewDisposeScope();
        using var adapter = new BlockLoraAdapter(k, d, r, n, scaling: 0.7, dropout: 0);
        using var generator = new Generator(21);
        using (no_grad())
        {
            adapter.LoraA.copy_(randn(adapter.LoraA.shape, generator: generator));
            adapter.LoraB.copy_(randn(adapter.LoraB.shape, generator: generator));
        }
        var x = randn([3, 5, k], generator: generator, dtype: ScalarType.Float64).to(ScalarType.Float32);

        var folded = adapter.Forward(x, training: false);
        var weights = randn(folded.shape, generator: generator);
        (folded * weights).sum().backward();
        var foldGradA = adapter.LoraA.grad!.clone();
        var foldGradB = adapter.LoraB.grad!.clone();
        adapter.LoraA.grad!.zero_();
        adapter.LoraB.grad!.zero_();

        // The same map through a dense ΔW = s·B·[A_s, …, A_s], built with autograd so its gradients flow back.
        var dense = nn.functional.linear(x, adapter.LoraB.matmul(adapter.LoraA.repeat(1, n)) * 0.7);
        (dense * weights).sum().backward();

        Assert.True(TinyClip.RelativeError(folded, dense) < 1e-5, $"forward differs by {TinyClip.RelativeError(folded, dense):E2}");
        Assert.True(TinyClip.RelativeError(foldGradA, adapter.LoraA.grad!) < 1e-5, "dL/dA_s differs");
        Assert.True(TinyClip.RelativeError(foldGradB, adapter.LoraB.grad!) < 1e-5, "dL/dB differs");
        // And DeltaWeight (what merging adds) is that same dense matrix.
        using (no_grad())
            Assert.True(TinyClip.RelativeError(nn.functional.linear(x, adapter.DeltaWeight()), dense) < 1e-5, "DeltaWeight differs");
    }

    [Fact]
    public void The_fold_keeps_only_k_over_n_values_per_token_for_the_down_projection()
    {
        using var scope = NewDisposeScope();
        var x = randn(4, 7, 768);
        var folded = BlockLoraAdapter.Fold(x, 8);
        Assert.Equal([4L, 7, 96], folded.shape);
        Assert.True(TinyClip.RelativeError(folded, x.view(4, 7, 8, 96).sum(-2)) == 0);
    }
}
