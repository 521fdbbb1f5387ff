using BlockLora.Adapters;
using BlockLora.Clip;
using static TorchSharp.torch;

namespace BlockLora.Tests.Adapters;

public class AdapterInjectorTests
{
    public static TheoryData<ClipConfig, AdapterConfig, int> Selections => new()
    {
        // CLIP-LoRA's default: q,k,v × 2 layers × 2 encoders = 12 matrices.
        { TinyClip.Config(), new AdapterConfig(), 12 },
        { TinyClip.Config(), new AdapterConfig { Method = AdapterMethod.BlockLora, Blocks = 4, Targets = AdapterTargets.Attention }, 16 },
        { TinyClip.Config(), new AdapterConfig { Targets = AdapterTargets.All, Encoders = AdapterEncoders.Vision }, 12 },
        { TinyClip.Config(), new AdapterConfig { Targets = AdapterTargets.V, Encoders = AdapterEncoders.Text, Layers = LayerSelection.Parse("1") }, 1 },
        // Other CLIP sizes: deeper text tower, MLP ratio 2, a layer list.
        { TinyClip.Config(visionWidth: 48, visionLayers: 3, textWidth: 32, textLayers: 4, mlpRatio: 2),
          new AdapterConfig { Method = AdapterMethod.BlockLora, Blocks = 8, Targets = AdapterTargets.All, Layers = LayerSelection.Parse("0,2") }, 24 },
    };

    [Theory]
    [MemberData(nameof(Selections))]
    public void Inject_fills_exactly_the_selected_slots_freezes_the_base_and_changes_nothing(ClipConfig clip, AdapterConfig config, int expectedMatrices)
    {
        using var scope = NewDisposeScope();
        using var model = TinyClip.Create(clip);
        var pixels = TinyClip.Pixels(clip);
        var tokens = TinyClip.Tokens(clip);
        Tensor baseImage, baseText;
        using (no_grad()) { baseImage = model.EncodeImage(pixels); baseText = model.EncodeText(tokens); }
        var snapshot = TinyClip.Snapshot(model);

        using var set = AdapterInjector.Inject(model, config);

        Assert.Equal(expectedMatrices, set.Count);
        var selected = set.Matrices.Select(m => m.Path).ToHashSet();
        foreach (var (path, slot) in model.AdaptableSlots())
            Assert.Equal(selected.Contains(path), slot.Adapter is not null);
        Assert.All(model.parameters(), p => Assert.False(p.requires_grad));
        Assert.Equal(2 * expectedMatrices, set.TrainableParameters().Count);
        Assert.All(set.TrainableParameters(), p => Assert.True(p.requires_grad));
        Assert.Empty(TinyClip.ChangedSince(model, snapshot));

        // B = 0 at init: the adapted model computes exactly what the base did.
        using (no_grad())
        {
            Assert.Equal(0, (model.EncodeImage(pixels) - baseImage).abs().max().item<float>());
            Assert.Equal(0, (model.EncodeText(tokens) - baseText).abs().max().item<float>());
        }

        set.Dispose();
        Assert.All(model.AdaptableSlots(), s => Assert.Null(s.Slot.Adapter));
        TinyClip.Dispose(snapshot);
    }

    [Theory]
    [InlineData(AdapterMethod.Lora, 1)]
    [InlineData(AdapterMethod.BlockLora, 4)]
    public void Only_adapter_parameters_receive_gradients(AdapterMethod method, int n)
    {
        using var scope = NewDisposeScope();
        var clip = TinyClip.Config();
        using var model = TinyClip.Create(clip);
        using var set = AdapterInjector.Inject(model, new AdapterConfig { Method = method, Blocks = n, Targets = AdapterTargets.All });
        TinyClip.Randomize(set);
        model.train();

        var image = model.EncodeImage(TinyClip.Pixels(clip));
        var text = model.EncodeText(TinyClip.Tokens(clip));
        var loss = model.Logits(image, text).logsumexp(1).sum();
        loss.backward();

        foreach (var (name, parameter) in model.named_parameters())
            Assert.True(parameter.grad is null, $"base parameter {name} received a gradient");
        foreach (var (name, parameter) in set.NamedParameters())
        {
            Assert.NotNull(parameter.grad);
            Assert.True(parameter.grad!.abs().sum().item<float>() > 0, $"adapter parameter {name} got a zero gradient");
        }
    }

    [Fact]
    public void Works_on_the_loaded_fixture_model()
    {
        using var scope = NewDisposeScope();
        using var model = TinyClip.LoadFixture();
        using var set = AdapterInjector.Inject(model, new AdapterConfig { Method = AdapterMethod.BlockLora, Blocks = 8 });
        Assert.Equal(12, set.Count);
        Assert.Equal(new long[] { 2, 16 }, ((LowRankAdapter)set.Adapters["visual.transformer.resblocks.0.attn.q_proj"]).LoraA.shape);
        Assert.Equal(new long[] { 2, 8 }, ((LowRankAdapter)set.Adapters["transformer.resblocks.1.attn.v_proj"]).LoraA.shape);
    }

    [Fact]
    public void A_second_set_on_the_same_slots_is_refused_and_the_first_stays()
    {
        using var scope = NewDisposeScope();
        using var model = TinyClip.Create(TinyClip.Config());
        using var first = AdapterInjector.Inject(model, new AdapterConfig { Targets = AdapterTargets.V });
        var e = Assert.Throws<InvalidOperationException>(() => AdapterInjector.Inject(model, new AdapterConfig { Targets = AdapterTargets.Q | AdapterTargets.V }));
        Assert.Equal("visual.transformer.resblocks.0.attn.v_proj already holds an adapter; detach the other set first", e.Message);
        // All or nothing: q slots were not filled by the refused set.
        Assert.All(model.AdaptableSlots().Where(s => s.Path.EndsWith("q_proj")), s => Assert.Null(s.Slot.Adapter));
        Assert.Equal(first.Count, model.AdaptableSlots().Count(s => s.Slot.Adapter is not null));
    }

    [Fact]
    public void A_set_made_for_other_sizes_does_not_attach()
    {
        using var scope = NewDisposeScope();
        using var model = TinyClip.Create(TinyClip.Config(visionWidth: 32));
        using var set = AdapterInjector.Create(TinyClip.Config(visionWidth: 64), new AdapterConfig());
        var e = Assert.Throws<ArgumentException>(() => set.AttachTo(model));
        Assert.Equal("visual.transformer.resblocks.0.attn.q_proj is 32x32 in the model but the adapter needs 64x64", e.Message);
        Assert.All(model.AdaptableSlots(), s => Assert.Null(s.Slot.Adapter));
    }
}
