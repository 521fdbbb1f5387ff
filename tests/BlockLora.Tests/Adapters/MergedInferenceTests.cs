using BlockLora.Adapters;
using TorchSharp;
using static TorchSharp.torch;

namespace BlockLora.Tests.Adapters;

/// <summary>
/// Merged inference costs what the base model costs: after merging, the forward pass is the base graph
/// (same ops, same shapes, only the weight values differ), so its latency can differ from the base only
/// by noise. Shown by counting the tensors a forward creates, which a timing could never show this cleanly.
/// </summary>
public class MergedInferenceTests
{
    [Theory]
    [InlineData(AdapterMethod.Lora, 1)]
    [InlineData(AdapterMethod.BlockLora, 4)]
    public void A_merged_forward_runs_exactly_the_base_models_ops(AdapterMethod method, int n)
    {
        var config = TinyClip.Config();
        using var model = TinyClip.Create(config);
        using var pixels = TinyClip.Pixels(config);
        using var tokens = TinyClip.Tokens(config);
        long baseOps = TensorsCreated(() => { model.EncodeImage(pixels); model.EncodeText(tokens); });

        using var set = AdapterInjector.Inject(model, new AdapterConfig { Method = method, Blocks = n, Targets = AdapterTargets.All });
        TinyClip.Randomize(set);
        long unmergedOps = TensorsCreated(() => { model.EncodeImage(pixels); model.EncodeText(tokens); });
        set.MergeAll();
        long mergedOps = TensorsCreated(() => { model.EncodeImage(pixels); model.EncodeText(tokens); });

        Assert.Equal(baseOps, mergedOps);
        Assert.True(unmergedOps > baseOps, "the unmerged adapters should add work (else this test measures nothing)");
    }

    private static long TensorsCreated(Action forward)
    {
        using var _ = no_grad();
        var stats = DisposeScopeManager.Statistics;
        long before = stats.CreatedInScopeCount + stats.CreatedOutsideScopeCount;
        using (NewDisposeScope()) forward();
        return stats.CreatedInScopeCount + stats.CreatedOutsideScopeCount - before;
    }
}
