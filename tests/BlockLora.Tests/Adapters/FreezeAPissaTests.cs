using BlockLora.Adapters;
using BlockLora.Clip;
using static TorchSharp.torch;

namespace BlockLora.Tests.Adapters;

/// <summary>LoRA-FA (<c>--freeze-a</c>) and PiSSA (<c>--init pissa</c>): counts, step-0 identity, merge, files.</summary>
public class FreezeAPissaTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    public static TheoryData<AdapterMethod, int> Methods => new() { { AdapterMethod.Lora, 1 }, { AdapterMethod.BlockLora, 4 } };

    /// <summary>PiSSA alone and with LoRA-FA (A frozen at the top-r right singular directions), for LoRA and Block-LoRA.</summary>
    public static TheoryData<AdapterMethod, int, bool> PissaCases => new()
    {
        { AdapterMethod.Lora, 1, false }, { AdapterMethod.BlockLora, 4, false }, { AdapterMethod.Lora, 1, true }, { AdapterMethod.BlockLora, 4, true },
    };

    private static AdapterConfig Pissa(AdapterMethod method, int blocks) =>
        new() { Method = method, Blocks = blocks, Rank = 3, Init = AdapterInit.Pissa, Targets = AdapterTargets.All };

    /// <summary>Moves every trainable tensor away from its initialisation, as training would.</summary>
    private static void Perturb(AdapterSet set)
    {
        using var generator = new Generator(23);
        using var _ = no_grad();
        foreach (var (_, parameter) in set.TrainableParameters().Select(p => ("", p)))
        {
            using var noise = randn(parameter.shape, generator: generator);
            parameter.add_(noise * 0.1);
        }
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public void Freeze_a_trains_r_times_d_per_matrix_by_formula_and_by_count(AdapterMethod method, int blocks)
    {
        var clip = TinyClip.Config();
        var config = new AdapterConfig { Method = method, Blocks = blocks, Rank = 3, FreezeA = true, Targets = AdapterTargets.All };
        using var model = TinyClip.Create(clip);
        using var set = AdapterInjector.Inject(model, config);
        long expected = config.SelectMatrices(clip).Sum(m => 3 * m.OutFeatures);
        Assert.Equal(expected, ParameterAccounting.FromConfig(clip, config).Total.Parameters);
        Assert.Equal(expected, ParameterAccounting.FromAdapterSet(set).Total.Parameters);
        Assert.Equal(expected, set.TrainableParameters().Sum(p => p.numel()));
        Assert.All(set.TrainableNamedParameters(), p => Assert.EndsWith(".lora_B", p.Name));
    }

    [Fact]
    public void Freeze_a_at_ViT_B16_qkv_both_encoders_r2_trains_92160()
    {
        foreach (var (method, blocks) in new[] { (AdapterMethod.Lora, 1), (AdapterMethod.BlockLora, 8) })
        {
            var config = new AdapterConfig { Method = method, Blocks = blocks, Rank = 2, FreezeA = true };
            Assert.Equal(92_160, ParameterAccounting.FromConfig(ClipConfig.VitB16, config).Total.Parameters);
        }
    }

    [Theory]
    [MemberData(nameof(PissaCases))]
    public void Pissa_at_step_0_is_the_base_and_s_B_A_is_the_top_r_part(AdapterMethod method, int blocks, bool freezeA)
    {
        using var scope = NewDisposeScope();
        var clip = TinyClip.Config();
        using var model = TinyClip.Create(clip);
        var pixels = TinyClip.Pixels(clip);
        var tokens = TinyClip.Tokens(clip);
        using var _ = no_grad();
        var image = model.EncodeImage(pixels);
        var text = model.EncodeText(tokens);
        var snapshot = TinyClip.Snapshot(model);
        var config = Pissa(method, blocks) with { FreezeA = freezeA };
        using var set = AdapterInjector.Inject(model, config);
        Assert.Empty(TinyClip.ChangedSince(model, snapshot));   // W0 is kept; the residual lives in the adapter
        Assert.True(TinyClip.RelativeError(model.EncodeImage(pixels), image) < 1e-5);
        Assert.True(TinyClip.RelativeError(model.EncodeText(tokens), text) < 1e-5);

        var slots = model.AdaptableSlots().ToDictionary(s => s.Path, s => s.Slot);
        foreach (var matrix in set.Matrices)
        {
            var adapter = (LowRankAdapter)set.Adapters[matrix.Path];
            var w0 = slots[matrix.Path].Weight;
            var m = blocks == 1 ? w0 : w0.reshape(matrix.OutFeatures, blocks, matrix.InFeatures / blocks).mean([1]);
            var (u, sv, vh) = linalg.svd(m, fullMatrices: false);
            var topR = u.narrow(1, 0, 3).mul(sv.narrow(0, 0, 3).unsqueeze(0)).matmul(vh.narrow(0, 0, 3));
            Assert.Equal(freezeA, adapter.FreezeA);
            Assert.True(TinyClip.BitIdentical(adapter.LoraA.detach(), adapter.BaseA!.detach()), matrix.Path);   // A starts at A0, frozen or not
            var sBA = adapter.LoraB.matmul(adapter.LoraA).mul(adapter.Scaling);
            Assert.True(TinyClip.RelativeError(sBA, topR) < 1e-4, matrix.Path);
            // residual + s·B·A = W0 (the merged weight at step 0)
            Assert.True(TinyClip.RelativeError(adapter.MergedWeight(slots[matrix.Path].Frozen), w0) < 1e-5, matrix.Path);
        }
        TinyClip.Dispose(snapshot);
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public void Pissa_merge_is_residual_plus_s_B_A_and_100_switches_restore_the_stored_bits(AdapterMethod method, int blocks)
    {
        using var scope = NewDisposeScope();
        var clip = TinyClip.Config();
        using var model = TinyClip.Create(clip);
        var pixels = TinyClip.Pixels(clip);
        var snapshot = TinyClip.Snapshot(model);
        using var set = AdapterInjector.Inject(model, Pissa(method, blocks));
        Perturb(set);
        using var _ = no_grad();
        var unmerged = model.EncodeImage(pixels);
        var slots = model.AdaptableSlots().ToDictionary(s => s.Path, s => s.Slot);
        foreach (var matrix in set.Matrices)
        {
            var a = (LowRankAdapter)set.Adapters[matrix.Path];
            var w0 = slots[matrix.Path].Weight;
            var rep = blocks == 1 ? 1 : blocks;
            var residual = w0 - a.BaseB!.matmul(a.BaseA!.repeat(1, rep)).mul(a.Scaling);
            var expected = residual + a.LoraB.matmul(a.LoraA.repeat(1, rep)).mul(a.Scaling);
            Assert.True(TinyClip.RelativeError(a.MergedWeight(slots[matrix.Path].Frozen), expected) < 1e-5, matrix.Path);
        }
        for (int i = 0; i < 100; i++)
        {
            set.MergeAll();
            if (i == 0) Assert.True(TinyClip.RelativeError(model.EncodeImage(pixels), unmerged) < 1e-4);
            set.UnmergeAll();
        }
        set.Detach();
        Assert.Empty(TinyClip.ChangedSince(model, snapshot));
        TinyClip.Dispose(snapshot);
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public void Pissa_and_freeze_a_save_load_and_encode_as_trained(AdapterMethod method, int blocks)
    {
        using var scope = NewDisposeScope();
        var clip = TinyClip.Config();
        var pixels = TinyClip.Pixels(clip);
        var tokens = TinyClip.Tokens(clip);
        string path = temp.File($"pissa-{method}.safetensors");
        Tensor image, text;
        var config = Pissa(method, blocks) with { FreezeA = true };
        using (var model = TinyClip.Create(clip))
        using (var set = AdapterInjector.Inject(model, config))
        {
            Perturb(set);
            using var _ = no_grad();
            image = model.EncodeImage(pixels);
            text = model.EncodeText(tokens);
            AdapterFile.Save(path, set);
        }
        var summary = AdapterFile.Describe(path);
        Assert.Equal("pissa", summary.Metadata[AdapterMetadata.Key.Init]);
        Assert.Equal("true", summary.Metadata[AdapterMetadata.Key.FreezeA]);
        Assert.Equal(AdapterInit.Pissa, summary.Config.Init);
        Assert.True(summary.Config.FreezeA);
        using (var model = TinyClip.Create(clip))
        using (var set = AdapterFile.Load(path, model))
        {
            using var _ = no_grad();
            Assert.True(TinyClip.RelativeError(model.EncodeImage(pixels), image) < 1e-6);
            Assert.True(TinyClip.RelativeError(model.EncodeText(tokens), text) < 1e-6);
            set.MergeAll();
            Assert.True(TinyClip.RelativeError(model.EncodeImage(pixels), image) < 1e-4);
        }
    }

    [Fact]
    public void Default_files_record_neither_key()
    {
        var clip = TinyClip.Config();
        string path = temp.File("plain.safetensors");
        using (var model = TinyClip.Create(clip))
        using (var set = AdapterInjector.Inject(model, new AdapterConfig()))
            AdapterFile.Save(path, set);
        var metadata = AdapterFile.Describe(path).Metadata;
        Assert.False(metadata.ContainsKey(AdapterMetadata.Key.Init));
        Assert.False(metadata.ContainsKey(AdapterMetadata.Key.FreezeA));
    }

    [Fact]
    public void Pissa_refuses_a_non_positive_scaling()
    {
        var e = Assert.Throws<ArgumentException>(() => new AdapterConfig { Init = AdapterInit.Pissa, Alpha = 0 }.Validate());
        Assert.Contains("pissa", e.Message);
    }

    [Fact]
    public void Dora_with_pissa_is_refused_with_one_line()
    {
        var config = new AdapterConfig { Method = AdapterMethod.Lora, Dora = true, Init = AdapterInit.Pissa };
        var error = Assert.Throws<ArgumentException>(config.Validate);
        Assert.Contains("--dora with --init pissa", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }
}
