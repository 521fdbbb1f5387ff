using BlockLora.Clip;
using BlockLora.Tests.Adapters;
using BlockLora.Workbook.Bench;
using static TorchSharp.torch;

namespace BlockLora.Workbook.Tests.Bench;

/// <summary>
/// Fast path (d): attention runs through libtorch's fused scaled_dot_product_attention. It must equal the
/// explicit softmax(q·kᵀ/√d + mask)·v, both as a kernel and inside <see cref="MultiHeadAttention"/>.
/// </summary>
public class FusedAttentionTests
{
    [Theory]
    [InlineData(false, 2, 12, 197, 64)]
    [InlineData(true, 3, 8, 13, 64)]
    [InlineData(true, 1, 1, 77, 16)]
    public void Fused_kernel_equals_explicit_softmax_attention(bool causal, int batch, int heads, int tokens, int headDim)
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(31);
        var q = randn([batch, heads, tokens, headDim], generator: g);
        var k = randn([batch, heads, tokens, headDim], generator: g);
        var v = randn([batch, heads, tokens, headDim], generator: g);
        var fused = nn.functional.scaled_dot_product_attention(q, k, v, is_casual: causal);
        var expl = ExplicitAttention.Compute(q, k, v, causal);
        Assert.True(TinyClip.RelativeError(fused, expl) < 1e-5, $"relative difference {TinyClip.RelativeError(fused, expl):E2}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Multi_head_attention_equals_projections_around_explicit_attention(bool causal)
    {
        using var scope = NewDisposeScope();
        const int width = 32, heads = 4, batch = 2, tokens = 9;
        using var attention = new MultiHeadAttention(width, heads, causal);
        using var g = new Generator(37);
        var x = randn([batch, tokens, width], generator: g);
        using var _ = no_grad();
        var actual = attention.forward(x);

        Tensor Heads(Tensor t) => t.view(batch, tokens, heads, width / heads).transpose(1, 2);
        Tensor Linear(BlockLora.Clip.AdaptableLinear slot, Tensor input) => nn.functional.linear(input, slot.Weight, slot.Bias);
        var attended = ExplicitAttention.Compute(Heads(Linear(attention.Q, x)), Heads(Linear(attention.K, x)), Heads(Linear(attention.V, x)), causal);
        var expected = Linear(attention.Out, attended.transpose(1, 2).reshape(batch, tokens, width));
        Assert.True(TinyClip.RelativeError(actual, expected) < 1e-5, $"relative difference {TinyClip.RelativeError(actual, expected):E2}");
    }
}
