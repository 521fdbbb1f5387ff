using static TorchSharp.torch;

namespace BlockLora.Adapters;

/// <summary>
/// Block-LoRA: A is n copies of one shared block A_s [r, k/n], so A·x = A_s·(x_1 + … + x_n). The input
/// is folded (its n chunks summed) and only then multiplied: (n−1)·k/n additions and r·k/n
/// multiply-adds per token instead of r·k, and autograd keeps fold(x) rather than x for A's gradient.
/// </summary>
public sealed class BlockLoraAdapter(long inFeatures, long outFeatures, int rank, int blocks, double scaling, double dropout, Device? device = null)
    : LowRankAdapter(inFeatures, outFeatures, rank, blocks, scaling, dropout, device)
{
    public override AdapterMethod Method => AdapterMethod.BlockLora;

    public static readonly AdapterMethodRegistration Registration = LowRankRegistration(AdapterMethod.BlockLora,
        (matrix, config, device) => new BlockLoraAdapter(matrix.InFeatures, matrix.OutFeatures, config.Rank, config.Blocks, config.ScalingFactor, config.Dropout, device));

    /// <summary>fold_n(x) = x.view(…, n, k/n).sum(−2): [..., k] → [..., k/n].</summary>
    public static Tensor Fold(Tensor x, int blocks)
    {
        long width = x.shape[^1];
        if (width % blocks != 0) throw new ArgumentException($"blocks n={blocks} does not divide the input width {width}");
        if (blocks == 1) return x.alias();
        long[] shape = [.. x.shape[..^1], blocks, width / blocks];
        using var split = x.reshape(shape);
        return split.sum(-2);
    }

    protected override Tensor ProjectDown(Tensor x, Tensor a)
    {
        using var folded = Fold(x, Blocks);
        return nn.functional.linear(folded, a);
    }

    protected override Tensor DenseDownProjection(Tensor a) => a.repeat(1, Blocks);
}
