using System.Text.Json;
using BlockLora.Adapters;
using BlockLora.Tests.Adapters;
using BlockLora.Interop;
using BlockLora.IO;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace BlockLora.Tests.Interop;

/// <summary>Adapters go out to PEFT's layout and come back bit for bit, Block-LoRA through its exact LoRA equivalent.</summary>
public class PeftRoundTripTests(TempDirectory temp, ITestOutputHelper output) : IClassFixture<TempDirectory>
{
    public static TheoryData<string, int, string, string, string, string> Adapters => new()
    {
        // method, n, scaling, targets, encoders, layers: everything a LoRA can express must export.
        { "lora", 1, "alpha/sqrt(r)", "q,k,v", "both", "all" },
        { "lora", 1, "alpha/r", "q,k,v,o,c_fc,c_proj", "vision", "1" },
        { "block-lora", 4, "alpha/sqrt(r)", "q,k,v", "both", "all" },
        { "block-lora", 2, "alpha/r", "v,o,c_fc", "text", "0" },
        { "block-lora", 8, "alpha/sqrt(r)", "q,v", "both", "text:0;vision:1" },
    };

    private string SaveAdapter(string method, int n, string scaling, string targets, string encoders, string layers, out AdapterConfig config)
    {
        using var model = TinyClip.LoadFixture();
        config = new AdapterConfig
        {
            Method = AdapterMethods.Parse(method), Blocks = n, Rank = 2, Alpha = 3, Scaling = ScalingRuleNames.Parse(scaling), Dropout = 0.1,
            Targets = AdapterTargetNames.Parse(targets), Encoders = AdapterEncoderNames.Parse(encoders), Layers = LayerSelection.Parse(layers),
        };
        using var set = AdapterInjector.Inject(model, config);
        TinyClip.Randomize(set, scale: 0.3);
        string path = temp.File($"{method}-{n}-{targets}-{encoders}-{layers}-{scaling.Replace('/', '_')}.safetensors".Replace(':', '_').Replace(';', '_'));
        AdapterFile.Save(path, set);
        return path;
    }

    [Theory]
    [MemberData(nameof(Adapters))]
    public void Export_then_import_gives_back_the_same_adapter_bit_for_bit(string method, int n, string scaling, string targets, string encoders, string layers)
    {
        string original = SaveAdapter(method, n, scaling, targets, encoders, layers, out var config);
        string peft = Path.Combine(temp.Path, Path.GetFileNameWithoutExtension(original) + "-peft");
        var exported = PeftAdapterExport.Write(original, peft);
        using var model = TinyClip.LoadFixture();
        string back = peft + ".back.safetensors";
        PeftAdapterImport.Write(peft, model.Config, back, new PeftAdapterImport.Options { DetectBlocks = n > 1 });

        using var a = AdapterFile.Read(original);
        using var b = AdapterFile.Read(back);
        Assert.Equal((a.Config.Method, a.Config.Rank, a.Config.Blocks, a.Config.Alpha, a.Config.Scaling, a.Config.Dropout, a.Config.Targets, a.Config.Encoders),
            (b.Config.Method, b.Config.Rank, b.Config.Blocks, b.Config.Alpha, b.Config.Scaling, b.Config.Dropout, b.Config.Targets, b.Config.Encoders));
        Assert.Equal(a.MatrixPaths.Order(), b.MatrixPaths.Order());
        foreach (var path in a.MatrixPaths)
        {
            a.TryGet(path, out var first);
            b.TryGet(path, out var second);
            Assert.True(Same(first["lora_A"], second["lora_A"]) && Same(first["lora_B"], second["lora_B"]), $"{path} differs after the round trip");
        }
        Assert.Equal(a.MatrixPaths.Count, exported.TargetModules.Count);
        output.WriteLine($"{method} n={n} {scaling} {targets} {encoders} {layers}: {a.ParameterCount} parameters here, {exported.Parameters} numbers in PEFT's layout; bit-exact back");
    }

    private static bool Same(Tensor x, Tensor y) => x.shape.SequenceEqual(y.shape) && x.allclose(y, rtol: 0, atol: 0);

    [Fact]
    public void The_export_uses_peft_key_names_and_a_config_whose_scaling_is_the_adapters()
    {
        string original = SaveAdapter("block-lora", 4, "alpha/sqrt(r)", "q,v,c_fc", "both", "all", out _);
        string peft = Path.Combine(temp.Path, "keys-peft");
        PeftAdapterExport.Write(original, peft, baseModelName: "openai/clip-vit-base-patch16");
        var contents = SafeTensorsFile.Load(Path.Combine(peft, PeftNames.WeightsFileName));
        Assert.Contains("base_model.model.vision_model.encoder.layers.1.self_attn.q_proj.lora_A.weight", contents.Tensors.Keys);
        Assert.Contains("base_model.model.text_model.encoder.layers.0.mlp.fc1.lora_B.weight", contents.Tensors.Keys);
        Assert.Equal(["4"], [contents.Metadata["blora.blocks"]]);
        // lora_A is A_s tiled: [r, in] with in = the full width; lora_B [out, r].
        Assert.Equal(new long[] { 2, 128 }, contents.Tensors["base_model.model.vision_model.encoder.layers.0.self_attn.v_proj.lora_A.weight"].shape);
        Assert.Equal(new long[] { 512, 2 }, contents.Tensors["base_model.model.vision_model.encoder.layers.0.mlp.fc1.lora_B.weight"].shape);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(peft, PeftNames.ConfigFileName)));
        var root = json.RootElement;
        Assert.Equal("LORA", root.GetProperty("peft_type").GetString());
        Assert.True(root.GetProperty("use_rslora").GetBoolean()); // alpha/sqrt(r)
        Assert.Equal(2, root.GetProperty("r").GetInt32());
        Assert.Equal("openai/clip-vit-base-patch16", root.GetProperty("base_model_name_or_path").GetString());
        var targets = root.GetProperty("target_modules").EnumerateArray().Select(t => t.GetString()).ToArray();
        Assert.Equal(contents.Tensors.Keys.Where(k => k.EndsWith(".lora_A.weight")).Select(k => k["base_model.model.".Length..^".lora_A.weight".Length]).Order(), targets.Order());
        foreach (var t in contents.Tensors.Values) t.Dispose();
    }

    [Fact]
    public void The_interop_page_describes_the_files_the_export_writes()
    {
        string readme = File.ReadAllText(Path.Combine(BlockLora.Workbook.Notebooks.WorkbookProfile.FindRepoRoot(AppContext.BaseDirectory), "docs", "interop.md"));
        string section = readme[readme.IndexOf("## Use your adapter in Python", StringComparison.Ordinal)..];
        int next = section.IndexOf("\n## ", 5, StringComparison.Ordinal);
        if (next > 0) section = section[..next];
        string original = SaveAdapter("block-lora", 4, "alpha/sqrt(r)", "q,k,v,o,c_fc,c_proj", "both", "all", out _);
        string peft = Path.Combine(temp.Path, "readme-peft");
        PeftAdapterExport.Write(original, peft);
        Assert.Equal([PeftNames.ConfigFileName, PeftNames.WeightsFileName], Directory.GetFiles(peft).Select(Path.GetFileName).Order());
        foreach (var name in new[] { PeftNames.ConfigFileName, PeftNames.WeightsFileName, "PeftModel.from_pretrained", "base_model.model.{vision,text}_model.encoder.layers.{i}.self_attn.{q,k,v,out}_proj.lora_{A,B}.weight", "mlp.fc1" })
            Assert.Contains(name, section);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(peft, PeftNames.ConfigFileName)));
        foreach (var key in new[] { "peft_type", "r", "lora_alpha", "use_rslora", "lora_dropout", "target_modules", "base_model_name_or_path" })
        {
            Assert.True(json.RootElement.TryGetProperty(key, out _), $"the export writes no {key}");
            Assert.Contains($"`{key}", section);
        }
        var keys = SafeTensorsFile.Load(Path.Combine(peft, PeftNames.WeightsFileName), shapesOnly: true).Tensors.Keys;
        Assert.All(keys, k => Assert.Matches(@"^base_model\.model\.(vision|text)_model\.encoder\.layers\.\d+\.(self_attn\.(q|k|v|out)_proj|mlp\.fc[12])\.lora_[AB]\.weight$", k));
    }
}
