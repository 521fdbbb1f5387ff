using BlockLora.Adapters;
using static TorchSharp.torch;

namespace BlockLora.Tests.Adapters;

public class AdapterBankTests
{
    [Fact]
    public void Base_weights_are_bit_identical_after_100_switches_and_each_task_computes_its_own_output()
    {
        using var scope = NewDisposeScope();
        var clip = TinyClip.Config();
        using var model = TinyClip.Create(clip);
        var pixels = TinyClip.Pixels(clip);
        var tokens = TinyClip.Tokens(clip);
        var snapshot = TinyClip.Snapshot(model);
        Tensor baseImage;
        using (no_grad()) baseImage = model.EncodeImage(pixels);

        var configs = new Dictionary<string, AdapterConfig>
        {
            ["lora"] = new AdapterConfig(),
            ["block4"] = new AdapterConfig { Method = AdapterMethod.BlockLora, Blocks = 4, Targets = AdapterTargets.Attention },
            ["block8-mlp"] = new AdapterConfig { Method = AdapterMethod.BlockLora, Blocks = 8, Targets = AdapterTargets.All, Encoders = AdapterEncoders.Vision },
        };
        using var bank = new AdapterBank(model);
        var expected = new Dictionary<string, (Tensor Image, Tensor Text)>();
        ulong seed = 100;
        foreach (var (name, config) in configs)
        {
            var set = AdapterInjector.Create(clip, config with { Seed = (long)seed });
            TinyClip.Randomize(set, seed++);
            bank.Add(name, set);
            // Reference: the set attached but not merged.
            bank.Activate(name, merged: false);
            using (no_grad()) expected[name] = (model.EncodeImage(pixels), model.EncodeText(tokens));
        }
        bank.Deactivate();

        var names = configs.Keys.ToArray();
        for (int i = 0; i < 100; i++)
        {
            using var step = NewDisposeScope();
            string name = names[i % names.Length];
            bool merged = i % 2 == 0;
            bank.Activate(name, merged);
            Assert.Equal(name, bank.ActiveName);
            Assert.Equal(merged, bank.Active!.IsMerged);
            if (i % 10 == 0 || i >= 97)
            {
                using var _ = no_grad();
                Assert.True(TinyClip.RelativeError(model.EncodeImage(pixels), expected[name].Image) < 1e-5, $"switch {i} to {name}");
                Assert.True(TinyClip.RelativeError(model.EncodeText(tokens), expected[name].Text) < 1e-5, $"switch {i} to {name}");
            }
            if (i % 7 == 0) bank.Deactivate();
        }
        bank.Deactivate();

        Assert.Null(bank.ActiveName);
        Assert.All(model.AdaptableSlots(), s => Assert.Null(s.Slot.Adapter));
        Assert.Empty(TinyClip.ChangedSince(model, snapshot));
        using (no_grad()) Assert.True(TinyClip.BitIdentical(baseImage, model.EncodeImage(pixels)));
        TinyClip.Dispose(snapshot);
    }

    [Fact]
    public void A_freshly_injected_set_joins_as_the_active_one()
    {
        using var scope = NewDisposeScope();
        using var model = TinyClip.Create(TinyClip.Config());
        using var bank = new AdapterBank(model);
        var trained = AdapterInjector.Inject(model, new AdapterConfig());
        bank.Add("task-a", trained);
        Assert.Equal("task-a", bank.ActiveName);

        var other = AdapterInjector.Create(model.Config, new AdapterConfig { Method = AdapterMethod.BlockLora, Blocks = 2 });
        bank.Add("task-b", other);
        Assert.Equal("task-a", bank.ActiveName);
        bank.Activate("task-b");
        Assert.Null(trained.AttachedTo);
        Assert.Same(model, other.AttachedTo);
        Assert.True(other.IsMerged);

        Assert.Throws<ArgumentException>(() => bank.Add("task-b", AdapterInjector.Create(model.Config, new AdapterConfig())));
        var missing = Assert.Throws<KeyNotFoundException>(() => bank.Activate("task-c"));
        Assert.Equal("no adapter set named 'task-c' (have: task-a, task-b)", missing.Message);

        bank.Remove("task-b");
        Assert.Null(bank.ActiveName);
        Assert.Equal(new[] { "task-a" }, bank.Names);
        Assert.All(model.AdaptableSlots(), s => Assert.Null(s.Slot.Adapter));
    }
}
