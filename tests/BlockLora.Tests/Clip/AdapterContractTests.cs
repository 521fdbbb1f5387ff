using BlockLora.Clip;
using BlockLora.Tests.Adapters;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BlockLora.Tests.Clip;

/// <summary>
/// The slot's contract must admit methods that change the base output rather than add beside it (DoRA rescales it):
/// a toy adapter computing y = 2·W0·x + ΔW·x uses both the base output and W0, and merging it must still be exact
/// and reversible bit for bit.
/// </summary>
public class AdapterContractTests
{
    private sealed class ScalingAdapter : IAdapter
    {
        private readonly Parameter delta;

        public ScalingAdapter(long inFeatures, long outFeatures, ulong seed)
        {
            using var generator = new Generator(seed);
            delta = new Parameter(randn(outFeatures, inFeatures, generator: generator) * 0.1);
            InFeatures = inFeatures;
            OutFeatures = outFeatures;
        }

        public long InFeatures { get; }
        public long OutFeatures { get; }
        public IReadOnlyList<(string Name, Parameter Parameter)> NamedParameters => [("delta", delta)];

        public Tensor Forward(Tensor x, Tensor baseOutput, FrozenLinear layer, bool training) =>
            baseOutput * 2 + nn.functional.linear(x, delta);

        public Tensor MergedWeight(FrozenLinear layer) => layer.Weight.detach() * 2 + delta.detach();

        public void MoveTo(Device device) => throw new NotSupportedException();

        public void Dispose() => delta.Dispose();
    }

    [Fact]
    public void An_adapter_may_rescale_the_base_output_and_still_merge_and_unmerge_bit_for_bit()
    {
        using var scope = NewDisposeScope();
        // No bias: the merge hook replaces the weight only, and 2·(W0·x + b) would need the bias doubled too.
        using var layer = new AdaptableLinear(12, 8, hasBias: false);
        using var generator = new Generator(3);
        var x = randn(5, 12, generator: generator);
        var w0 = layer.Weight.detach().clone();
        Tensor plain;
        using (no_grad()) plain = layer.forward(x);

        using var adapter = new ScalingAdapter(12, 8, seed: 4);
        layer.Attach(adapter);
        Tensor unmerged;
        using (no_grad()) unmerged = layer.forward(x);
        var expected = plain * 2 + nn.functional.linear(x, adapter.NamedParameters[0].Parameter.detach());
        Assert.True(TinyClip.RelativeError(unmerged, expected) < 1e-6);
        Assert.True(TinyClip.RelativeError(unmerged, plain) > 0.1, "the toy adapter must change the output");

        for (int i = 0; i < 100; i++)
        {
            layer.Merge();
            Assert.True(layer.IsMerged);
            if (i == 0)
            {
                using (no_grad()) Assert.True(TinyClip.RelativeError(layer.forward(x), unmerged) < 1e-5);
            }
            layer.Unmerge();
        }
        Assert.True(TinyClip.BitIdentical(w0, layer.Weight));
        using (no_grad()) Assert.True(TinyClip.BitIdentical(unmerged, layer.forward(x)));
        Assert.Same(adapter, layer.Detach());
    }
}
