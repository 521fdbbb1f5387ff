using BlockLora.Adapters;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace BlockLora.Tests.Adapters;

/// <summary>Merged ≡ unmerged on the whole CLIP, and the base comes back bit for bit.</summary>
public class MergeTests(ITestOutputHelper output)
{
    // Merging rounds W0 + s·ΔW once per weight in fp32; through 2-layer towers that stays near 1e-6.
    private const double Tolerance = 1e-5;

    public static TheoryData<AdapterConfig> Configs => new()
    {
        new AdapterConfig(),
        new AdapterConfig { Dora = true },
        new AdapterConfig { Method = AdapterMethod.BlockLora, Blocks = 4, Dora = true, Targets = AdapterTargets.All },
        new AdapterConfig { Rank = 4, Scaling = ScalingRule.AlphaOverRank, Alpha = 8 },
        new AdapterConfig { Method = AdapterMethod.BlockLora, Blocks = 2 },
        new AdapterConfig { Method = AdapterMethod.BlockLora, Blocks = 8, Targets = AdapterTargets.Attention },
        new AdapterConfig { Method = AdapterMethod.BlockLora, Blocks = 16, Rank = 3, Targets = AdapterTargets.All, Layers = LayerSelection.Parse("1") },
        new AdapterConfig { Method = AdapterMethod.BlockLora, Blocks = 4, Encoders = AdapterEncoders.Text, Targets = AdapterTargets.CFc | AdapterTargets.CProj },
    };

    [Theory]
    [MemberData(nameof(Configs))]
    public void Merged_equals_unmerged_and_unmerge_restores_the_base_bit_for_bit(AdapterConfig config)
    {
        using var scope = NewDisposeScope();
        var clip = TinyClip.Config();
        using var model = TinyClip.Create(clip);
        var pixels = TinyClip.Pixels(clip);
        var tokens = TinyClip.Tokens(clip);
        var snapshot = TinyClip.Snapshot(model);
        using var set = AdapterInjector.Inject(model, config);
        TinyClip.Randomize(set);
        using var _ = no_grad();

        var image = model.EncodeImage(pixels);
        var text = model.EncodeText(tokens);
        set.MergeAll();
        Assert.True(set.IsMerged);
        Assert.NotEmpty(TinyClip.ChangedSince(model, snapshot));
        var mergedImage = model.EncodeImage(pixels);
        var mergedText = model.EncodeText(tokens);
        set.MergeAll();                                            // idempotent
        Assert.True(TinyClip.BitIdentical(mergedImage, model.EncodeImage(pixels)));

        double imageError = TinyClip.RelativeError(mergedImage, image), textError = TinyClip.RelativeError(mergedText, text);
        output.WriteLine($"{AdapterMethods.Format(config.Method)} n={config.Blocks} r={config.Rank}: image {imageError:E2}, text {textError:E2}");
        Assert.True(imageError < Tolerance, $"image features differ by {imageError:E2}");
        Assert.True(textError < Tolerance, $"text features differ by {textError:E2}");

        set.UnmergeAll();
        Assert.False(set.IsMerged);
        Assert.Empty(TinyClip.ChangedSince(model, snapshot));
        Assert.True(TinyClip.BitIdentical(image, model.EncodeImage(pixels)));
        set.Dispose();
        Assert.Empty(TinyClip.ChangedSince(model, snapshot));
        TinyClip.Dispose(snapshot);
    }

    [Fact]
    public void Merged_equals_unmerged_on_the_fixture_clip()
    {
        using var scope = NewDisposeScope();
        using var model = TinyClip.LoadFixture();
        var pixels = TinyClip.Pixels(model.Config);
        var tokens = TinyClip.Tokens(model.Config with { VocabSize = 49408, ContextLength = 77 });
        var snapshot = TinyClip.Snapshot(model);
        using var set = AdapterInjector.Inject(model, new AdapterConfig { Method = AdapterMethod.BlockLora, Blocks = 8, Targets = AdapterTargets.All });
        TinyClip.Randomize(set, scale: 0.2);
        using var _ = no_grad();
        var image = model.EncodeImage(pixels);
        var text = model.EncodeText(tokens);
        set.MergeAll();
        double imageError = TinyClip.RelativeError(model.EncodeImage(pixels), image);
        double textError = TinyClip.RelativeError(model.EncodeText(tokens), text);
        output.WriteLine($"fixture, block-lora n=8 all targets: image {imageError:E2}, text {textError:E2}");
        Assert.True(imageError < Tolerance && textError < Tolerance, $"image {imageError:E2}, text {textError:E2}");
        set.UnmergeAll();
        Assert.Empty(TinyClip.ChangedSince(model, snapshot));
        TinyClip.Dispose(snapshot);
    }

    [Fact]
    public void Merging_inside_a_callers_dispose_scope_still_unmerges_after_it()
    {
        using var model = TinyClip.Create(TinyClip.Config());
        var snapshot = TinyClip.Snapshot(model);
        using var set = AdapterInjector.Inject(model, new AdapterConfig());
        TinyClip.Randomize(set);
        using (NewDisposeScope()) set.MergeAll();
        GC.Collect();
        set.UnmergeAll();
        Assert.Empty(TinyClip.ChangedSince(model, snapshot));
        TinyClip.Dispose(snapshot);
    }

    [Fact]
    public void A_non_finite_merge_is_refused_and_nothing_stays_merged()
    {
        using var scope = NewDisposeScope();
        using var model = TinyClip.Create(TinyClip.Config());
        var snapshot = TinyClip.Snapshot(model);
        using var set = AdapterInjector.Inject(model, new AdapterConfig());
        TinyClip.Randomize(set);
        using (no_grad()) ((LowRankAdapter)set.Adapters["transformer.resblocks.1.attn.v_proj"]).LoraB.fill_(float.PositiveInfinity);
        Assert.Throws<InvalidOperationException>(set.MergeAll);
        Assert.DoesNotContain(model.AdaptableSlots(), s => s.Slot.IsMerged);
        Assert.Empty(TinyClip.ChangedSince(model, snapshot));
        TinyClip.Dispose(snapshot);
    }
}
