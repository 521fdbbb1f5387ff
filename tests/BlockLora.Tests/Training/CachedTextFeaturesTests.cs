using BlockLora.Adapters;
using BlockLora.Tests.Adapters;
using BlockLora.Training;
using static TorchSharp.torch;

namespace BlockLora.Tests.Training;

/// <summary>
/// Fast path (b): with the text encoder frozen, the text features are computed once and reused. A step
/// on the cached features must train exactly as a step that re-encodes the prompts every time.
/// </summary>
[Collection(TrainingCollection.Name)]
public class CachedTextFeaturesTests
{
    [Fact]
    public void Steps_on_cached_text_features_equal_steps_that_re_encode_the_prompts()
    {
        var config = TinyClip.Config();
        var adapter = new AdapterConfig { Method = AdapterMethod.BlockLora, Blocks = 4, Encoders = AdapterEncoders.Vision, Dropout = 0 };
        using var pixels = TinyClip.Pixels(config, batch: 4);
        using var tokens = TinyClip.Tokens(config, batch: 3);
        using var labels = tensor(new long[] { 0, 1, 2, 1 });

        var cached = Train(config, adapter, pixels, tokens, labels, cache: true);
        var recomputed = Train(config, adapter, pixels, tokens, labels, cache: false);

        Assert.Equal(recomputed.Losses, cached.Losses);
        foreach (var (name, value) in recomputed.Weights)
            Assert.True(TinyClip.BitIdentical(value, cached.Weights[name]), $"{name} differs");
    }

    private static (List<float> Losses, Dictionary<string, Tensor> Weights) Train(
        BlockLora.Clip.ClipConfig config, AdapterConfig adapter, Tensor pixels, Tensor tokens, Tensor labels, bool cache)
    {
        using var model = TinyClip.Create(config);
        using var set = AdapterInjector.Inject(model, adapter);
        TinyClip.Randomize(set);
        using var optimizer = optim.AdamW(set.TrainableParameters(), 1e-2);
        using var text = cache ? TrainingStep.FrozenTextFeatures(model, tokens) : null;
        var step = new TrainingStep(model, optimizer, tokens, text, 100);
        var losses = new List<float>();
        model.train();
        for (int i = 0; i < 4; i++)
        {
            using var scope = NewDisposeScope();
            losses.Add(step.Run(pixels, labels).Loss.item<float>());
        }
        var weights = set.NamedParameters().ToDictionary(p => p.Name, p =>
        {
            var copy = p.Parameter.detach().clone();
            copy.DetachFromDisposeScope();
            return copy;
        });
        return (losses, weights);
    }
}
