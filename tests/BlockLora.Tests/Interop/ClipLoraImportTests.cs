using BlockLora.Interop;
using BlockLora.IO;
using BlockLora.Tests.IO;
using static TorchSharp.torch;

namespace BlockLora.Tests.Interop;

public sealed class ClipLoraImportTests : IDisposable
{
    private readonly PickleTestFiles files = new();

    public void Dispose() => files.Dispose();

    private string WriteClipLora(string name, int? metadataRank = null, Action<Dictionary<string, object?>>? edit = null,
        string encoder = "both", string position = "all")
    {
        using var scope = NewDisposeScope();
        var content = ClipLoraFixture.Build(encoder: encoder, position: position, metadataRank: metadataRank);
        edit?.Invoke(content);
        string path = files.PathOf(name);
        TorchZipPickleWriter.Save(path, content);
        return path;
    }

    private static Dictionary<string, object?> Weights(Dictionary<string, object?> content) => (Dictionary<string, object?>)content["weights"]!;

    /// <summary>layer_0, layer_1 are the text blocks; layer_2, layer_3 the vision blocks (CLIP-LoRA's apply_lora order).</summary>
    public static TheoryData<string> Files => new() { "generated", "cpython" };

    [Theory]
    [MemberData(nameof(Files))]
    public void Imports_both_encoders_under_openai_module_names(string source)
    {
        string path = source == "cpython" ? PickleTestFiles.Fixture("clip_lora_tiny.pt") : WriteClipLora("adapter.pt");
        using var adapter = ClipLoraImport.Read(path, ClipLoraFixture.TextLayers, ClipLoraFixture.VisionLayers);

        string[] modules =
        [
            "transformer.resblocks.0.attn", "transformer.resblocks.1.attn",
            "visual.transformer.resblocks.0.attn", "visual.transformer.resblocks.1.attn",
        ];
        string[] projections = ["q_proj", "k_proj", "v_proj"];
        var expectedNames = modules.SelectMany(m => projections.SelectMany(p => new[] { $"{m}.{p}.lora_A", $"{m}.{p}.lora_B" })).ToList();
        Assert.Equal(expectedNames, adapter.Tensors.Keys);

        for (int layer = 0; layer < modules.Length; layer++)
        {
            int width = ClipLoraFixture.WidthOf(layer);
            for (int p = 0; p < projections.Length; p++)
            {
                var a = adapter.Tensors[$"{modules[layer]}.{projections[p]}.lora_A"];
                var b = adapter.Tensors[$"{modules[layer]}.{projections[p]}.lora_B"];
                Assert.Equal([2L, width], a.shape);
                Assert.Equal([(long)width, 2], b.shape);
                Assert.Equal(ScalarType.Float32, a.dtype);
                using var expectedA = ClipLoraFixture.Matrix(layer, p, true, 2, width);
                using var expectedB = ClipLoraFixture.Matrix(layer, p, false, width, 2);
                Assert.True(a.Equals(expectedA), $"layer_{layer} {projections[p]} A");
                Assert.True(b.Equals(expectedB), $"layer_{layer} {projections[p]} B");
            }
        }

        var expectedMetadata = new Dictionary<string, string>
        {
            ["format"] = "blora-adapter",
            ["version"] = "1",
            ["method"] = "lora",
            ["rank"] = "2",
            ["blocks"] = "1",
            ["alpha"] = "1",
            ["scaling"] = "alpha/sqrt(r)",
            ["dropout"] = "0.25",
            ["targets"] = "q,k,v",
            ["encoders"] = "both",
            ["layers"] = "all",
            ["source"] = "clip-lora",
            ["clip_lora_position"] = "all",
            ["clip_lora_params"] = "q,k,v",
            ["source_file"] = Path.GetFileName(path),
        };
        Assert.Equal(expectedMetadata, adapter.Metadata);
    }

    [Fact]
    public void Checks_widths_against_a_clip_config()
    {
        string path = WriteClipLora("adapter.pt");
        var config = BlockLora.Clip.ClipConfig.VitB16 with
        {
            TextLayers = 2,
            TextWidth = 64,
            VisionLayers = 2,
            VisionWidth = 128,
        };
        using (var ok = ClipLoraImport.Read(path, config)) Assert.Equal(24, ok.Tensors.Count);

        var e = Assert.Throws<FormatException>(() => ClipLoraImport.Read(path, config with { VisionWidth = 256 }));
        Assert.Contains("layer_2 (visual.transformer.resblocks.0.attn.q_proj)", e.Message);
        Assert.Contains("vision width is 256", e.Message);
    }

    [Fact]
    public void Metadata_rank_disagreeing_with_tensors_is_rejected_naming_file_layer_and_tensor()
    {
        string path = WriteClipLora("bad_rank.pt", metadataRank: 4);
        var e = Assert.Throws<FormatException>(() => ClipLoraImport.Read(path, 2, 2));
        Assert.Equal($"{path}: layer_0 (transformer.resblocks.0.attn.q_proj): w_lora_A has shape [2, 64] but metadata r = 4 needs [4, k]", e.Message);
    }

    [Fact]
    public void Layer_count_must_match_encoder_and_position()
    {
        // Written for a model with 2+2 layers, read as if the CLIP had 3 vision layers.
        string path = WriteClipLora("adapter.pt");
        var e = Assert.Throws<FormatException>(() => ClipLoraImport.Read(path, 2, 3));
        Assert.Contains("has 4 'layer_<i>' entries but encoder 'both' with position 'all' selects 5 attention blocks (2 text + 3 vision)", e.Message);
        Assert.StartsWith(path, e.Message);
    }

    [Fact]
    public void Missing_and_unexpected_keys_are_named()
    {
        string noK = WriteClipLora("no_k.pt", edit: c => ((Dictionary<string, object?>)Weights(c)["layer_3"]!).Remove("k_proj"));
        Assert.Contains("layer_3 (visual.transformer.resblocks.1.attn) has no 'k_proj' though metadata params include 'k'",
            Assert.Throws<FormatException>(() => ClipLoraImport.Read(noK, 2, 2)).Message);

        string noB = WriteClipLora("no_b.pt", edit: c =>
            ((Dictionary<string, object?>)((Dictionary<string, object?>)Weights(c)["layer_1"]!)["v_proj"]!).Remove("w_lora_B"));
        Assert.Contains("layer_1 (transformer.resblocks.1.attn.v_proj) has no 'w_lora_B'",
            Assert.Throws<FormatException>(() => ClipLoraImport.Read(noB, 2, 2)).Message);

        string renamed = WriteClipLora("renamed.pt", edit: c =>
        {
            var w = Weights(c);
            w["layer_9"] = w["layer_2"];
            w.Remove("layer_2");
        });
        Assert.Contains("'weights' has no 'layer_2'", Assert.Throws<FormatException>(() => ClipLoraImport.Read(renamed, 2, 2)).Message);

        string extra = WriteClipLora("extra.pt", edit: c =>
            ((Dictionary<string, object?>)Weights(c)["layer_0"]!)["proj"] = ((Dictionary<string, object?>)Weights(c)["layer_0"]!)["q_proj"]);
        Assert.Contains("layer_0 (transformer.resblocks.0.attn) has 'proj', which metadata params [q, k, v] do not adapt",
            Assert.Throws<FormatException>(() => ClipLoraImport.Read(extra, 2, 2)).Message);

        string noMeta = WriteClipLora("no_meta.pt", edit: c => c.Remove("metadata"));
        Assert.Contains("the file has no 'metadata'", Assert.Throws<FormatException>(() => ClipLoraImport.Read(noMeta, 2, 2)).Message);
    }

    [Fact]
    public void Empty_weights_are_refused_at_import_naming_the_position_and_the_layer_counts()
    {
        // 'up' is blocks 8-11: on a CLIP of 2 + 2 layers apply_lora adapts nothing and save_lora writes weights = {}.
        string path = WriteClipLora("empty.pt", position: "up", edit: c => Weights(c).Clear());
        string output = files.PathOf("empty.safetensors");
        var e = Assert.Throws<FormatException>(() => ClipLoraImport.Convert(path, output, 2, 2));
        Assert.Equal($"{path}: 'weights' is empty: encoder 'both' with position 'up' selects no attention block of a CLIP with 2 text and 2 vision layers, so there is no adapter to import", e.Message);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void Empty_weights_for_a_position_that_selects_blocks_are_refused_with_the_counts()
    {
        string path = WriteClipLora("empty.pt", edit: c => Weights(c).Clear());
        var e = Assert.Throws<FormatException>(() => ClipLoraImport.Read(path, 12, 24));
        Assert.Equal($"{path}: has 0 'layer_<i>' entries but encoder 'both' with position 'all' selects 36 attention blocks (12 text + 24 vision) of a CLIP with 12 text and 24 vision layers", e.Message);
    }

    [Fact]
    public void Vision_only_file_maps_layer_0_to_the_first_vision_block()
    {
        string path = WriteClipLora("vision.pt", encoder: "vision");
        using var adapter = ClipLoraImport.Read(path, 2, 2);
        Assert.All(adapter.Tensors.Keys, k => Assert.StartsWith("visual.transformer.resblocks.", k));
        using var expected = ClipLoraFixture.Matrix(0, 0, true, 2, ClipLoraFixture.VisionWidth);
        Assert.True(adapter.Tensors["visual.transformer.resblocks.0.attn.q_proj.lora_A"].Equals(expected));
        Assert.Equal("vision", adapter.Metadata["encoders"]);
    }

    [Fact]
    public void Convert_writes_a_safetensors_adapter()
    {
        string input = WriteClipLora("adapter.pt");
        string output = files.PathOf("adapter.safetensors");
        ClipLoraImport.Convert(input, output, 2, 2);
        var contents = SafeTensorsFile.Load(output);
        try
        {
            Assert.Equal(24, contents.Tensors.Count);
            Assert.Equal([128L, 2], contents.Tensors["visual.transformer.resblocks.1.attn.v_proj.lora_B"].shape);
            Assert.Equal("blora-adapter", contents.Metadata["format"]);
            Assert.Equal("clip-lora", contents.Metadata["source"]);
        }
        finally
        {
            foreach (var t in contents.Tensors.Values) t.Dispose();
        }
    }

    /// <summary>CLIP-LoRA's tables (loralib/utils.py), for OpenAI's 12-layer towers and ViT-L/14's 24-layer vision tower.</summary>
    [Theory]
    [InlineData("both", "all", 12, 12, "t0,t1,t2,t3,t4,t5,t6,t7,t8,t9,t10,t11,v0,v1,v2,v3,v4,v5,v6,v7,v8,v9,v10,v11")]
    [InlineData("both", "half-up", 12, 12, "t6,t7,t8,t9,t10,t11,v6,v7,v8,v9,v10,v11")]
    [InlineData("both", "bottom", 12, 12, "t0,t1,t2,t3,v0,v1,v2,v3")]
    [InlineData("both", "mid", 12, 12, "t4,t5,t6,t7,v4,v5,v6,v7")]
    [InlineData("both", "up", 12, 12, "t8,t9,t10,t11,v8,v9,v10,v11")]
    [InlineData("both", "half-bottom", 12, 12, "t0,t1,t2,t3,t4,t5,v0,v1,v2,v3,v4,v5")]
    [InlineData("both", "top3", 12, 12, "t9,t10,t11,v9,v10,v11")]
    [InlineData("text", "top1", 12, 12, "t11")]
    [InlineData("text", "top2", 12, 12, "t10,t11")]
    [InlineData("vision", "top", 12, 12, "v11")]
    [InlineData("both", "half-up", 12, 24, "t6,t7,t8,t9,t10,t11,v12,v13,v14,v15,v16,v17,v18,v19,v20,v21,v22,v23")]
    [InlineData("vision", "half-bottom", 12, 24, "v0,v1,v2,v3,v4,v5,v6,v7,v8,v9,v10,v11")]
    [InlineData("both", "all", 2, 2, "t0,t1,v0,v1")]
    [InlineData("both", "up", 2, 2, "")]
    public void Layer_order_follows_clip_lora(string encoder, string position, int textLayers, int visionLayers, string expected)
    {
        var modules = ClipLoraImport.AttentionModules(encoder, position, textLayers, visionLayers);
        var shortNames = modules.Select(m => (m.StartsWith("visual.") ? "v" : "t") + m.Split('.')[^2]);
        Assert.Equal(expected, string.Join(",", shortNames));
    }

    [Theory]
    [InlineData("vision", "top1", 12)] // 'top1' exists only for text
    [InlineData("text", "top", 12)]    // 'top' exists only for vision
    [InlineData("vision", "bottom", 24)] // ViT-L/14's table has half-up, half-bottom and all only
    [InlineData("image", "all", 12)]
    public void Positions_clip_lora_lacks_are_refused(string encoder, string position, int visionLayers)
    {
        Assert.Throws<ArgumentException>(() => ClipLoraImport.AttentionModules(encoder, position, 12, visionLayers));
    }
}
