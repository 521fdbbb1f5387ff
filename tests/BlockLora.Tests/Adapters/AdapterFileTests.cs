using BlockLora.Adapters;
using BlockLora.Clip;
using BlockLora.IO;
using static TorchSharp.torch;

namespace BlockLora.Tests.Adapters;

public class AdapterFileTests(TempDirectory temp) : IClassFixture<TempDirectory>
{
    /// <summary>Sizes of the clip-tiny fixture: vision 128 wide, text 64 wide, 2 + 2 layers.</summary>
    private static readonly ClipConfig Base = TinyClip.Config(visionWidth: 128, textWidth: 64);

    private static readonly AdapterConfig BlockConfig = new() { Method = AdapterMethod.BlockLora, Blocks = 8 };

    public static TheoryData<AdapterConfig> RoundTrips => new()
    {
        new AdapterConfig(),
        new AdapterConfig { Dora = true },
        new AdapterConfig { Method = AdapterMethod.BlockLora, Blocks = 4, Dora = true, Targets = AdapterTargets.All },
        new AdapterConfig { Method = AdapterMethod.BlockLora, Blocks = 8, Rank = 4, Alpha = 2.5, Scaling = ScalingRule.AlphaOverRank, Dropout = 0.1 },
        new AdapterConfig { Method = AdapterMethod.BlockLora, Blocks = 2, Targets = AdapterTargets.All, Encoders = AdapterEncoders.Vision, Layers = LayerSelection.Parse("1"), InitFanIn = InitFanIn.FullWidth, Seed = 42 },
        new AdapterConfig { Method = AdapterMethod.Vera, Rank = 6, Targets = AdapterTargets.All, Dropout = 0, Seed = 7 },
    };

    [Theory]
    [MemberData(nameof(RoundTrips))]
    public void Save_then_load_gives_identical_outputs_and_config(AdapterConfig config)
    {
        using var scope = NewDisposeScope();
        var clip = TinyClip.Config();
        var pixels = TinyClip.Pixels(clip);
        var tokens = TinyClip.Tokens(clip);
        string path = temp.File($"roundtrip-{Guid.NewGuid():N}.safetensors");

        Tensor image, text;
        using (var model = TinyClip.Create(clip))
        using (var set = AdapterInjector.Inject(model, config))
        {
            TinyClip.Randomize(set);
            using (no_grad()) { image = model.EncodeImage(pixels); text = model.EncodeText(tokens); }
            AdapterFile.Save(path, set, new Dictionary<string, string> { ["dataset"] = "eurosat", ["shots"] = "16" });
        }

        using var fresh = TinyClip.Create(clip);
        using var loaded = AdapterFile.Load(path, fresh);
        Assert.Equal(config, loaded.Config);
        Assert.Same(fresh, loaded.AttachedTo);
        using (no_grad())
        {
            Assert.True(TinyClip.BitIdentical(image, fresh.EncodeImage(pixels)));
            Assert.True(TinyClip.BitIdentical(text, fresh.EncodeText(tokens)));
        }

        var contents = SafeTensorsFile.Load(path);
        Assert.Equal("blora-adapter", contents.Metadata["format"]);
        Assert.Equal("1", contents.Metadata["version"]);
        Assert.Equal(AdapterMethods.Format(config.Method), contents.Metadata["method"]);
        Assert.Equal(config.Layers.ToString(), contents.Metadata["layers"]);
        Assert.Equal("eurosat", contents.Metadata["dataset"]);
        Assert.Equal(BaseFingerprint.Of(clip), contents.Metadata["base_fingerprint"]);
        // A and B per matrix, and DoRA's magnitude; only a DoRA file records dora.
        Assert.Equal((config.Dora ? 3 : 2) * loaded.Count, contents.Tensors.Count);
        Assert.Equal(config.Dora, contents.Metadata.TryGetValue("dora", out var dora) && dora == "true");
        if (config.Dora)
        {
            foreach (var (name, parameter) in loaded.NamedParameters().Where(p => p.Name.EndsWith(".lora_magnitude", StringComparison.Ordinal)))
                Assert.True(TinyClip.BitIdentical(contents.Tensors[name], parameter.detach()));
        }
        foreach (var t in contents.Tensors.Values) t.Dispose();
    }

    [Fact]
    public void Tensors_are_named_by_module_path_with_method_md_shapes()
    {
        string path = temp.File("names.safetensors");
        using (var set = AdapterInjector.Create(Base, BlockConfig)) AdapterFile.Save(path, set);
        var contents = SafeTensorsFile.Load(path);
        Assert.Equal(new long[] { 2, 16 }, contents.Tensors["visual.transformer.resblocks.0.attn.q_proj.lora_A"].shape);
        Assert.Equal(new long[] { 128, 2 }, contents.Tensors["visual.transformer.resblocks.0.attn.q_proj.lora_B"].shape);
        Assert.Equal(new long[] { 2, 8 }, contents.Tensors["transformer.resblocks.1.attn.v_proj.lora_A"].shape);
        Assert.Equal(new long[] { 64, 2 }, contents.Tensors["transformer.resblocks.1.attn.v_proj.lora_B"].shape);
        Assert.Equal(24, contents.Tensors.Count);
        Assert.All(contents.Tensors.Values, t => Assert.Equal(ScalarType.Float32, t.dtype));
        Assert.Equal("block-lora", contents.Metadata["method"]);
        Assert.Equal("alpha/sqrt(r)", contents.Metadata["scaling"]);
        Assert.Equal("q,k,v", contents.Metadata["targets"]);
        Assert.Equal("both", contents.Metadata["encoders"]);
        Assert.Equal("0.25", contents.Metadata["dropout"]);
        foreach (var t in contents.Tensors.Values) t.Dispose();
    }

    [Fact]
    public void Describe_reports_the_file_without_a_base()
    {
        string path = temp.File("describe.safetensors");
        using (var set = AdapterInjector.Create(Base, BlockConfig with { Targets = AdapterTargets.Attention }))
            AdapterFile.Save(path, set, new Dictionary<string, string> { ["dataset"] = "dtd" });
        var summary = AdapterFile.Describe(path);
        Assert.Equal(AdapterMethod.BlockLora, summary.Config.Method);
        Assert.Equal(16, summary.MatrixCount);
        Assert.Equal(32, summary.TensorCount);
        // Per matrix r(d + k/n): vision 2(128+16) = 288, text 2(64+8) = 144; 8 matrices each.
        Assert.Equal(8 * 288 + 8 * 144, summary.ParameterCount);
        Assert.Equal(BaseFingerprint.Of(Base), summary.BaseFingerprint);
        var fields = summary.Fields().ToDictionary(f => f.Field, f => f.Value);
        Assert.Equal("q,k,v,o", fields["targets"]);
        Assert.Equal("dtd", fields["dataset"]);
        Assert.Contains("parameters", summary.ToString());
    }

    [Fact]
    public void A_file_loads_as_a_detached_set_for_a_bank()
    {
        string path = temp.File("detached.safetensors");
        using (var set = AdapterInjector.Create(Base, BlockConfig)) AdapterFile.Save(path, set);
        using var loaded = AdapterFile.Load(path, Base);
        Assert.Null(loaded.AttachedTo);
        Assert.Equal(BlockConfig, loaded.Config);
    }

    /// <summary>How to spoil a good file: change its tensors and/or metadata.</summary>
    private static readonly Dictionary<string, Action<Dictionary<string, Tensor>, Dictionary<string, string>>> Spoilers = new()
    {
        ["unknown method"] = (_, m) => m["method"] = "dora",
        ["missing metadata"] = (_, m) => m.Clear(),
        ["metadata without rank"] = (_, m) => m.Remove("rank"),
        ["other format"] = (_, m) => m["format"] = "peft",
        ["newer version"] = (_, m) => m["version"] = "2",
        ["rank zero"] = (_, m) => m["rank"] = "0",
        ["rank not a number"] = (_, m) => m["rank"] = "two",
        ["lora with blocks"] = (_, m) => { m["method"] = "lora"; m["blocks"] = "2"; },
        ["blocks not dividing"] = (_, m) => m["blocks"] = "7",
        ["rank disagrees with tensors"] = (_, m) => m["rank"] = "4",
        ["lora_B missing"] = (t, _) => t.Remove("transformer.resblocks.1.attn.k_proj.lora_B"),
        ["unexpected tensor"] = (t, _) => t["logit_scale"] = ones(1),
        ["targets without tensors"] = (_, m) => m["targets"] = "q,k,v,o",
        ["tensors without targets"] = (_, m) => m["targets"] = "q,v",
        ["non-finite"] = (t, _) => t["visual.transformer.resblocks.1.attn.v_proj.lora_B"][0, 0] = float.NaN,
        ["integer tensor"] = (t, _) => t["visual.transformer.resblocks.0.attn.q_proj.lora_A"] = zeros([2, 16], ScalarType.Int64),
        ["no tensors"] = (t, _) => t.Clear(),
    };

    [Theory]
    [InlineData("unknown method", "unknown method 'dora' (expected lora, block-lora or vera)")]
    [InlineData("missing metadata", "no __metadata__ header; not a blora-adapter file")]
    [InlineData("metadata without rank", "metadata has no 'rank' (a blora-adapter file records format, version, method, rank, blocks, alpha, scaling, dropout; targets, encoders and layers are read off the tensor names when absent)")]
    [InlineData("other format", "metadata format is 'peft', expected 'blora-adapter'")]
    [InlineData("newer version", "adapter file version '2' is not supported (this library reads version 1)")]
    [InlineData("rank zero", "rank r must be positive, got r=0")]
    [InlineData("rank not a number", "metadata 'rank' is 'two', not an integer")]
    [InlineData("lora with blocks", "LoRA has a single block (n=1), got n=2; use Block-LoRA for n > 1")]
    [InlineData("blocks not dividing", "blocks n=7 does not divide the input width 128 of visual.transformer.resblocks.0.attn.q_proj")]
    [InlineData("rank disagrees with tensors", "tensor 'visual.transformer.resblocks.0.attn.q_proj.lora_A' has shape [2, 16] but rank 4 (metadata) needs [4, ·]")]
    [InlineData("lora_B missing", "tensor 'transformer.resblocks.1.attn.k_proj.lora_B' is missing (every adapted matrix needs lora_A and lora_B)")]
    [InlineData("unexpected tensor", "unexpected tensor 'logit_scale' (adapter tensors are named <module path>.lora_A and <module path>.lora_B)")]
    [InlineData("targets without tensors", "tensor 'visual.transformer.resblocks.0.attn.out_proj.lora_A' is missing; the metadata (targets q,k,v,o, encoders both, layers all) selects visual.transformer.resblocks.0.attn.out_proj on this base")]
    [InlineData("tensors without targets", "tensor 'visual.transformer.resblocks.0.attn.k_proj.lora_A' does not fit: the metadata selects only targets q,v, encoders both, layers all")]
    [InlineData("non-finite", "tensor 'visual.transformer.resblocks.1.attn.v_proj.lora_B' holds non-finite values")]
    [InlineData("integer tensor", "tensor 'visual.transformer.resblocks.0.attn.q_proj.lora_A' has dtype Int64; adapter tensors are floating point")]
    [InlineData("no tensors", "holds no adapter tensors")]
    public void Bad_files_are_refused_with_one_line_naming_file_and_culprit(string spoiler, string reason)
    {
        string good = temp.File($"good-{Guid.NewGuid():N}.safetensors");
        using (var set = AdapterInjector.Create(Base, BlockConfig)) AdapterFile.Save(good, set);
        var raw = SafeTensorsFile.Load(good);
        var tensors = new Dictionary<string, Tensor>(raw.Tensors);
        var metadata = new Dictionary<string, string>(raw.Metadata);
        Spoilers[spoiler](tensors, metadata);
        string bad = temp.File($"bad-{Guid.NewGuid():N}.safetensors");
        SafeTensorsFile.Save(bad, tensors, metadata);

        var e = Assert.Throws<AdapterFileException>(() => AdapterFile.Load(bad, Base));
        Assert.Equal($"{bad}: {reason}", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        foreach (var t in tensors.Values) t.Dispose();
    }

    [Fact]
    public void An_adapter_for_another_base_names_the_tensor_and_both_shapes()
    {
        // Trained on a 512-wide vision tower: A_s is [2, 512/8] = [2, 64]; the 128-wide base needs [2, 16].
        string path = temp.File("wider.safetensors");
        using (var set = AdapterInjector.Create(TinyClip.Config(visionWidth: 512, textWidth: 64), BlockConfig)) AdapterFile.Save(path, set);
        using var model = TinyClip.Create(Base);
        var e = Assert.Throws<AdapterFileException>(() => AdapterFile.Load(path, model));
        Assert.Equal($"{path}: tensor 'visual.transformer.resblocks.0.attn.q_proj.lora_A' has shape [2, 64] but the base needs [2, 16]", e.Message);
        Assert.All(model.AdaptableSlots(), s => Assert.Null(s.Slot.Adapter));
    }

    [Fact]
    public void An_adapter_for_a_deeper_base_names_the_first_extra_tensor()
    {
        string path = temp.File("deeper.safetensors");
        using (var set = AdapterInjector.Create(Base with { VisionLayers = 3 }, BlockConfig)) AdapterFile.Save(path, set);
        var e = Assert.Throws<AdapterFileException>(() => AdapterFile.Load(path, Base));
        Assert.Equal($"{path}: tensor 'visual.transformer.resblocks.2.attn.q_proj.lora_A' does not fit: the base ({BaseFingerprint.Of(Base)}) has no such matrix selected by layers all", e.Message);
    }

    [Fact]
    public void A_truncated_file_is_an_adapter_file_error()
    {
        string path = temp.File("truncated.safetensors");
        using (var set = AdapterInjector.Create(Base, BlockConfig)) AdapterFile.Save(path, set);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 100)]);
        var e = Assert.Throws<AdapterFileException>(() => AdapterFile.Load(path, Base));
        Assert.StartsWith($"{path}: tensor '", e.Message);
        Assert.Contains("truncated", e.Message);
        Assert.IsType<FormatException>(e.InnerException);

        File.WriteAllBytes(path, bytes[..5]);
        Assert.StartsWith($"{path}: not a safetensors file", Assert.Throws<AdapterFileException>(() => AdapterFile.Describe(path)).Message);
    }

    [Fact]
    public void A_missing_file_is_an_adapter_file_error()
    {
        string path = temp.File("absent.safetensors");
        Assert.Equal($"{path}: file not found", Assert.Throws<AdapterFileException>(() => AdapterFile.Read(path)).Message);
    }

    [Fact]
    public void Provenance_cannot_overwrite_the_adapters_own_keys()
    {
        using var set = AdapterInjector.Create(Base, BlockConfig);
        var e = Assert.Throws<ArgumentException>(() => AdapterFile.Save(temp.File("reserved.safetensors"), set, new Dictionary<string, string> { ["rank"] = "8" }));
        Assert.Equal("provenance key 'rank' is reserved for the adapter's own metadata", e.Message);
    }
}
