using System.Globalization;
using BlockLora.Adapters;
using BlockLora.Checkpoints;
using BlockLora.Interop;
using BlockLora.IO;
using BlockLora.Tests.Adapters;
using BlockLora.Tests.Cli;
using static TorchSharp.torch;

namespace BlockLora.Tests.Interop;

/// <summary>
/// A PEFT DoRA folder (<c>use_dora: true</c>, <c>lora_magnitude_vector</c> per module) imports as this library's DoRA:
/// export-peft then import-peft gives the same tensors and the same features bit for bit, and a folder written from PEFT's
/// layout alone encodes as PEFT's merge done by hand.
/// </summary>
public class PeftDoraImportTests(TempDirectory temp) : IClassFixture<TempDirectory>
{
    [Theory]
    [InlineData("lora", 1)]
    [InlineData("block-lora", 4)]
    public void Export_then_import_gives_the_same_tensors_and_features_bit_for_bit(string method, int n)
    {
        using var scope = NewDisposeScope();
        var config = new AdapterConfig { Method = AdapterMethods.Parse(method), Blocks = n, Rank = 2, Alpha = 3, Dropout = 0.1, Dora = true };
        string original = temp.File($"dora-{method}-{n}.safetensors");
        using (var model = TinyClip.LoadFixture())
        using (var set = AdapterInjector.Inject(model, config))
        {
            TinyClip.Randomize(set, scale: 0.3);
            AdapterFile.Save(original, set);
        }
        string peft = Path.Combine(temp.Path, $"dora-{method}-{n}-peft");
        PeftAdapterExport.Write(original, peft);
        string back = peft + ".back.safetensors";
        var imported = PeftAdapterImport.Write(peft, TinyClip.LoadFixture().Config, back, new PeftAdapterImport.Options { DetectBlocks = n > 1 });
        Assert.True(imported.Config.Dora);

        using (var a = AdapterFile.Read(original))
        using (var b = AdapterFile.Read(back))
        {
            Assert.Equal((a.Config.Method, a.Config.Rank, a.Config.Blocks, a.Config.Alpha, a.Config.Scaling, a.Config.Dropout, a.Config.Targets, a.Config.Encoders, a.Config.Dora),
                (b.Config.Method, b.Config.Rank, b.Config.Blocks, b.Config.Alpha, b.Config.Scaling, b.Config.Dropout, b.Config.Targets, b.Config.Encoders, b.Config.Dora));
            Assert.Equal(a.MatrixPaths.Order(), b.MatrixPaths.Order());
            foreach (var path in a.MatrixPaths)
            {
                a.TryGet(path, out var first);
                b.TryGet(path, out var second);
                Assert.Equal(first.Keys.Order(), second.Keys.Order());
                Assert.Contains(DoraAdapter.MagnitudeName, second.Keys);
                foreach (var (name, tensor) in first) Assert.True(TinyClip.BitIdentical(tensor, second[name]), $"{path}.{name} differs after the round trip");
            }
        }

        var pixels = Fixtures.Expected("pixels");
        var tokens = Fixtures.Expected("tokens");
        (Tensor Image, Tensor Text) Features(string adapter)
        {
            using var model = TinyClip.LoadFixture();
            using var set = AdapterFile.Load(adapter, model);
            using var _ = no_grad();
            return (model.EncodeImage(pixels), model.EncodeText(tokens));
        }
        var (image, text) = Features(original);
        var (imageBack, textBack) = Features(back);
        Assert.True(TinyClip.BitIdentical(image, imageBack), "image features differ after the round trip");
        Assert.True(TinyClip.BitIdentical(text, textBack), "text features differ after the round trip");
    }

    [Fact]
    public void A_peft_dora_folder_written_from_peft_layout_encodes_as_peft_merges_it()
    {
        // Every q and v of both towers: PEFT's key names, the magnitude saved without ".weight" (peft lora/model.py
        // _get_adapter_state_dict), one module with the in-memory spelling ".lora_magnitude_vector.default.weight".
        const int rank = 2;
        const double alpha = 4;
        double s = alpha / rank; // use_rslora false: alpha/r (lora/layer.py update_layer)
        using var scope = NewDisposeScope();
        using var model = ClipCheckpoint.Load(Fixtures.ClipTiny("openai.safetensors"));
        var weights = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());
        var modules = new List<(string Hf, string Ours, long Width)>();
        foreach (var (tower, ours, width, layers) in new[] { ("vision_model", "visual.transformer", model.Config.VisionWidth, model.Config.VisionLayers), ("text_model", "transformer", model.Config.TextWidth, model.Config.TextLayers) })
            for (int layer = 0; layer < layers; layer++)
                foreach (var p in new[] { "q", "v" })
                    modules.Add(($"{tower}.encoder.layers.{layer}.self_attn.{p}_proj", $"{ours}.resblocks.{layer}.attn.{p}_proj", width));

        using var generator = new Generator(31);
        var tensors = new List<KeyValuePair<string, Tensor>>();
        var merged = new Dictionary<string, Tensor>();
        foreach (var (hf, ours, width) in modules)
        {
            var a = randn(rank, width, generator: generator) * 0.3;
            var b = randn(width, rank, generator: generator) * 0.3;
            var m = rand(width, generator: generator) + 0.5;
            tensors.Add(new($"base_model.model.{hf}.lora_A.weight", a));
            tensors.Add(new($"base_model.model.{hf}.lora_B.weight", b));
            string magnitudeKey = hf.EndsWith("layers.0.self_attn.v_proj", StringComparison.Ordinal) && hf.StartsWith("text", StringComparison.Ordinal)
                ? $"base_model.model.{hf}.lora_magnitude_vector.default.weight" : $"base_model.model.{hf}.lora_magnitude_vector";
            tensors.Add(new(magnitudeKey, m));
            // PEFT's merge (lora/variants.py DoraLinearVariant.merge_safe): W = m / ‖W0 + s·B·A‖ ⊙ (W0 + s·B·A) per output row.
            var w = weights[ours + ".weight"] + s * b.matmul(a);
            merged[ours + ".weight"] = m.unsqueeze(1) / w.pow(2).sum(1, keepdim: true).sqrt() * w;
        }
        string peft = Path.Combine(temp.Path, "hand-dora");
        Directory.CreateDirectory(peft);
        SafeTensorsFile.Save(Path.Combine(peft, PeftNames.WeightsFileName), tensors, new Dictionary<string, string> { ["format"] = "pt" });
        File.WriteAllText(Path.Combine(peft, PeftNames.ConfigFileName), $$"""
            {"peft_type": "LORA", "r": {{rank}}, "lora_alpha": {{alpha.ToString(CultureInfo.InvariantCulture)}}, "lora_dropout": 0.05, "use_rslora": false,
             "use_dora": true, "bias": "none", "target_modules": ["q_proj", "v_proj"], "base_model_name_or_path": "tiny-clip"}
            """);

        string adapter = temp.File("hand-dora.safetensors");
        var import = BloraProcess.Run("adapter", "import-peft", peft, "--model", Fixtures.ClipTiny("openai.safetensors"), adapter);
        Assert.True(import.ExitCode == 0, import.Stderr);
        Assert.Contains("with DoRA", import.Stdout);
        using var file = AdapterFile.Read(adapter);
        Assert.True(file.Config.Dora);
        Assert.Equal(AdapterMethod.Lora, file.Config.Method);
        Assert.Equal(AdapterTargetNames.Parse("q,v"), file.Config.Targets);

        var pixels = Fixtures.Expected("pixels");
        var tokens = Fixtures.Expected("tokens");
        Tensor image, text;
        using (var set = AdapterFile.Load(adapter, model))
        using (no_grad())
        {
            image = model.EncodeImage(pixels);
            text = model.EncodeText(tokens);
        }
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        using (no_grad())
        {
            foreach (var (name, weight) in merged) parameters[name].copy_(weight);
            double imageError = TinyClip.RelativeError(image, model.EncodeImage(pixels));
            double textError = TinyClip.RelativeError(text, model.EncodeText(tokens));
            Assert.True(imageError < 1e-4 && textError < 1e-4, $"image {imageError:E2}, text {textError:E2}");
        }
    }

    [Theory]
    [InlineData("base_model.model.vision_model.encoder.layers.0.self_attn.q_proj.lora_magnitude_vector", "vision_model.encoder.layers.0.self_attn.q_proj")]
    [InlineData("base_model.model.text_model.encoder.layers.1.mlp.fc1.lora_magnitude_vector.weight", "text_model.encoder.layers.1.mlp.fc1")]
    [InlineData("base_model.model.text_model.encoder.layers.1.self_attn.v_proj.lora_magnitude_vector.default.weight", "text_model.encoder.layers.1.self_attn.v_proj")]
    [InlineData("base_model.model.text_model.encoder.layers.1.self_attn.v_proj.lora_A.weight", null)]
    [InlineData("text_model.encoder.layers.1.self_attn.v_proj.lora_magnitude_vector", null)]
    public void Magnitude_keys_are_read_as_peft_saves_them_and_as_its_state_dict_names_them(string key, string? module) =>
        Assert.Equal(module, PeftNames.ParseMagnitude(key));
}
