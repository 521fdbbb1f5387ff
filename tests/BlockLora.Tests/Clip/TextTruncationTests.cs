using BlockLora.Tests.Adapters;
using static TorchSharp.torch;

namespace BlockLora.Tests.Clip;

/// <summary>
/// Fast path (c): the text transformer runs only up to the longest end-of-text position. Causal attention
/// means later positions never reach the pooled one, so the cut must equal running all 77 positions.
/// </summary>
public class TextTruncationTests
{
    [Fact]
    public void Text_features_cut_at_end_of_text_equal_the_full_context_computation_on_the_fixture()
    {
        using var model = TinyClip.LoadFixture();
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        // The fixture's last text fills all 77 positions (nothing to cut); the other eight end by position 19.
        var tokens = Fixtures.Expected("tokens").narrow(0, 0, 8);
        var expected = Fixtures.Expected("text_features").narrow(0, 0, 8);
        Assert.True(tokens.argmax(-1).max().item<long>() < 20, "the prompts must be shorter than the context for this test to mean anything");
        var cut = model.EncodeText(tokens, truncateAtEndOfText: true);
        var full = model.EncodeText(tokens, truncateAtEndOfText: false);
        Assert.True(TinyClip.RelativeError(cut, full) < 1e-5, $"relative difference {TinyClip.RelativeError(cut, full):E2}");
        Assert.True(Fixtures.MaxAbsDiff(full, expected) < 1e-4, "the full computation matches the reference too");
    }

    [Fact]
    public void Cut_equals_full_with_gradients_through_text_adapters()
    {
        var config = TinyClip.Config() with { ContextLength = 12 };
        using var model = TinyClip.Create(config);
        using var set = BlockLora.Adapters.AdapterInjector.Inject(model, new() { Method = BlockLora.Adapters.AdapterMethod.BlockLora, Blocks = 4, Dropout = 0, Encoders = BlockLora.Adapters.AdapterEncoders.Text });
        TinyClip.Randomize(set);
        using var tokens = TinyClip.Tokens(config, batch: 4);
        using var scope = NewDisposeScope();

        var cut = model.EncodeText(tokens, truncateAtEndOfText: true);
        cut.pow(2).sum().backward();
        var cutGrads = set.TrainableParameters().Select(p => p.grad!.clone()).ToList();
        foreach (var p in set.TrainableParameters()) p.grad!.zero_();
        var full = model.EncodeText(tokens, truncateAtEndOfText: false);
        full.pow(2).sum().backward();

        Assert.True(TinyClip.RelativeError(cut, full) < 1e-5);
        var grads = set.TrainableParameters().Select(p => p.grad!).ToList();
        for (int i = 0; i < grads.Count; i++)
            Assert.True(TinyClip.RelativeError(cutGrads[i], grads[i]) < 1e-4, $"gradient {i} differs by {TinyClip.RelativeError(cutGrads[i], grads[i]):E2}");
    }
}
