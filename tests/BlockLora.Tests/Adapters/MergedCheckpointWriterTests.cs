using BlockLora.Adapters;
using BlockLora.Checkpoints;
using BlockLora.IO;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace BlockLora.Tests.Adapters;

public class MergedCheckpointWriterTests(TempDirectory temp, ITestOutputHelper output) : IClassFixture<TempDirectory>
{
    [Theory]
    [InlineData(AdapterMethod.Lora, 1, "q,k,v")]
    [InlineData(AdapterMethod.BlockLora, 4, "q,k,v,o,c_fc,c_proj")]
    public void A_merged_checkpoint_loads_back_and_computes_what_the_adapted_model_did(AdapterMethod method, int n, string targets)
    {
        using var scope = NewDisposeScope();
        using var model = TinyClip.LoadFixture();
        var pixels = TinyClip.Pixels(model.Config);
        var tokens = TinyClip.Tokens(model.Config with { VocabSize = 49408, ContextLength = 77 });
        var snapshot = TinyClip.Snapshot(model);
        using var set = AdapterInjector.Inject(model, new AdapterConfig { Method = method, Blocks = n, Targets = AdapterTargetNames.Parse(targets) });
        TinyClip.Randomize(set, scale: 0.2);
        Tensor image, text;
        using (no_grad()) { image = model.EncodeImage(pixels); text = model.EncodeText(tokens); }

        string path = temp.File($"merged-{method}-{n}.safetensors");
        MergedCheckpointWriter.Write(path, model, set, new Dictionary<string, string> { ["dataset"] = "eurosat" });

        // The model is left as it was: attached, unmerged, base weights untouched.
        Assert.False(set.IsMerged);
        Assert.Empty(TinyClip.ChangedSince(model, snapshot));

        using var merged = ClipCheckpoint.Load(path);
        Assert.All(merged.AdaptableSlots(), s => Assert.Null(s.Slot.Adapter));
        using (no_grad())
        {
            double imageError = TinyClip.RelativeError(merged.EncodeImage(pixels), image);
            double textError = TinyClip.RelativeError(merged.EncodeText(tokens), text);
            output.WriteLine($"{method} n={n} {targets}: merged checkpoint vs adapted model: image {imageError:E2}, text {textError:E2}");
            Assert.True(imageError < 1e-5 && textError < 1e-5, $"image {imageError:E2}, text {textError:E2}");
        }

        var file = SafeTensorsFile.Load(path);
        Assert.Equal(new long[] { 3 * 128, 128 }, file.Tensors["visual.transformer.resblocks.0.attn.in_proj_weight"].shape);
        Assert.Equal(new long[] { 3 * 64 }, file.Tensors["transformer.resblocks.1.attn.in_proj_bias"].shape);
        Assert.DoesNotContain(file.Tensors.Keys, k => k.Contains("q_proj"));
        Assert.All(file.Tensors.Values, t => Assert.Equal(ScalarType.Float32, t.dtype));
        Assert.Equal(AdapterMethods.Format(method), file.Metadata["adapter.method"]);
        Assert.Equal("eurosat", file.Metadata["dataset"]);
        foreach (var t in file.Tensors.Values) t.Dispose();
        TinyClip.Dispose(snapshot);
    }

    [Fact]
    public void Without_adapters_it_rewrites_the_base_bit_for_bit()
    {
        using var scope = NewDisposeScope();
        using var model = TinyClip.LoadFixture();
        string path = temp.File("base.safetensors");
        MergedCheckpointWriter.Write(path, model);
        using var reloaded = ClipCheckpoint.Load(path);
        var original = TinyClip.Snapshot(model);
        Assert.Empty(TinyClip.ChangedSince(reloaded, original));
        TinyClip.Dispose(original);
    }

    [Fact]
    public void An_unmerged_adapter_that_is_not_passed_is_not_silently_dropped()
    {
        using var scope = NewDisposeScope();
        using var model = TinyClip.Create(TinyClip.Config());
        using var set = AdapterInjector.Inject(model, new AdapterConfig { Targets = AdapterTargets.V });
        var e = Assert.Throws<InvalidOperationException>(() => MergedCheckpointWriter.Write(temp.File("refused.safetensors"), model));
        Assert.StartsWith("visual.transformer.resblocks.0.attn.v_proj holds an unmerged adapter", e.Message);
        Assert.False(File.Exists(temp.File("refused.safetensors")));

        // Merged by the caller, it is written as is and stays merged.
        set.MergeAll();
        MergedCheckpointWriter.Write(temp.File("premerged.safetensors"), model);
        Assert.True(set.IsMerged);
    }
}
