using BlockLora.Clip;
using BlockLora.Tests.Adapters;
using static TorchSharp.torch;

namespace BlockLora.Tests.Clip;

/// <summary>
/// Fast path (e), within one pass: a block frees its temporaries (and its views, which would pin their
/// storage) before it returns, so a forward pass holds about one block's activations at a time instead of
/// every block's until the pass ends. Left in the caller's dispose scope, QuickGELU's two [tokens, 4w]
/// temporaries and attention's q/k/v views cost hundreds of MiB at ViT-B/16 batch 8 and the time to fault
/// that memory in.
/// </summary>
public class ForwardTemporariesTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_residual_block_leaves_only_its_output_in_the_callers_scope(bool causal)
    {
        using var block = new ResidualAttentionBlock(32, 4, 4, causal);
        using var x = randn(2, 9, 32);
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var y = block.forward(x);
        Assert.Equal(1, scope.DisposablesCount);
        Assert.Same(y, scope.DisposablesView.Single());
    }

    [Fact]
    public void QuickGelu_leaves_only_its_output_and_keeps_its_values()
    {
        using var x = randn(3, 5, 16);
        using var expected = x * sigmoid(1.702 * x);
        using var scope = NewDisposeScope();
        var y = new QuickGelu().forward(x);
        Assert.Equal(1, scope.DisposablesCount);
        Assert.True(TinyClip.BitIdentical(y, expected));
    }
}
