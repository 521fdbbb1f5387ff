using System.Globalization;
using BlockLora.Adapters;
using BlockLora.Checkpoints;
using BlockLora.Interop;
using BlockLora.IO;
using BlockLora.Tests.Adapters;
using BlockLora.Tests.Cli;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace BlockLora.Tests.Interop;

/// <summary>
/// A PEFT adapter written from PEFT's layout alone (no adapter code of this library) imports and encodes as a merge done
/// by hand; merged models as Hugging Face folders load back to the same features; bad PEFT folders are one-line errors.
/// </summary>
public class PeftInteropTests(TempDirectory temp, ITestOutputHelper output) : IClassFixture<TempDirectory>
{
    private static string F(string name) => Fixtures.ClipTiny(name);

    /// <summary>The adapted modules of the hand-written adapter: a per-encoder layer subset (text layer 0, vision layer 1), q and v.</summary>
    private static readonly (string Hf, string Ours)[] Modules =
    [
        ("text_model.encoder.layers.0.self_attn.q_proj", "transformer.resblocks.0.attn.q_proj"),
        ("text_model.encoder.layers.0.self_attn.v_proj", "transformer.resblocks.0.attn.v_proj"),
        ("vision_model.encoder.layers.1.self_attn.q_proj", "visual.transformer.resblocks.1.attn.q_proj"),
        ("vision_model.encoder.layers.1.self_attn.v_proj", "visual.transformer.resblocks.1.attn.v_proj"),
    ];

    private string WritePeftByHand(string name, bool rslora, int rank, double alpha, Dictionary<string, (Tensor A, Tensor B)> weights, string? extraConfig = null, bool withConfig = true)
    {
        string dir = Path.Combine(temp.Path, name);
        Directory.CreateDirectory(dir);
        var tensors = new List<KeyValuePair<string, Tensor>>();
        foreach (var (hf, (a, b)) in weights)
        {
            tensors.Add(new($"base_model.model.{hf}.lora_A.weight", a));
            tensors.Add(new($"base_model.model.{hf}.lora_B.weight", b));
        }
        SafeTensorsFile.Save(Path.Combine(dir, "adapter_model.safetensors"), tensors, new Dictionary<string, string> { ["format"] = "pt" });
        string targets = string.Join(", ", weights.Keys.Select(k => $"\"{k}\""));
        if (withConfig)
            File.WriteAllText(Path.Combine(dir, "adapter_config.json"), $$"""
                {"peft_type": "LORA", "task_type": null, "r": {{rank}}, "lora_alpha": {{alpha.ToString(CultureInfo.InvariantCulture)}}, "lora_dropout": 0.0,
                 "use_rslora": {{(rslora ? "true" : "false")}}, "bias": "none", "fan_in_fan_out": false, "target_modules": [{{targets}}],
                 "base_model_name_or_path": "tiny-clip", "modules_to_save": null, "use_dora": false, "rank_pattern": {}, "alpha_pattern": {}{{extraConfig ?? ""}}}
                """);
        return dir;
    }

    private static Dictionary<string, (Tensor A, Tensor B)> RandomWeights(int rank, ulong seed, int? width = null)
    {
        using var generator = new Generator(seed);
        return Modules.ToDictionary(m => m.Hf, m =>
        {
            long w = width ?? (m.Hf.StartsWith("vision", StringComparison.Ordinal) ? 128 : 64);
            return (randn(rank, w, generator: generator) * 0.3, randn(w, rank, generator: generator) * 0.3);
        });
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_peft_adapter_written_from_peft_layout_encodes_as_a_merge_done_by_hand(bool rslora)
    {
        const int rank = 4;
        const double alpha = 3;
        var weights = RandomWeights(rank, rslora ? 5UL : 6UL);
        string peft = WritePeftByHand($"hand-{rslora}", rslora, rank, alpha, weights);
        string adapter = Path.Combine(temp.Path, $"hand-{rslora}.safetensors");
        var import = BloraProcess.Run("adapter", "import-peft", peft, "--model", F("openai.safetensors"), adapter);
        Assert.True(import.ExitCode == 0, import.Stderr);
        string encoded = Path.Combine(temp.Path, $"hand-{rslora}-encoded.safetensors");
        var encode = BloraProcess.Run("encode", "--model", F("openai.safetensors"), "--texts-file", F("texts.json"), "--output", encoded, "--images", F("exact_0.png"), "--adapter", adapter);
        Assert.True(encode.ExitCode == 0, encode.Stderr);

        // The reference: W0 + s·B·A added to the base weights directly, s as PEFT computes it (lora/layer.py update_layer).
        double s = rslora ? alpha / Math.Sqrt(rank) : alpha / rank;
        using var model = ClipCheckpoint.Load(F("openai.safetensors"));
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        using (no_grad())
            foreach (var (hf, ours) in Modules)
                parameters[ours + ".weight"].add_(matmul(weights[hf].B, weights[hf].A) * s);
        var result = SafeTensorsFile.Load(encoded).Tensors;
        using (no_grad())
        {
            double image = TinyClip.RelativeError(result["image_features"], model.EncodeImage(result["pixels"]));
            double text = TinyClip.RelativeError(result["text_features"], model.EncodeText(result["tokens"]));
            output.WriteLine($"use_rslora={rslora}: encode --adapter vs hand merge: image {image:E2}, text {text:E2}");
            Assert.True(image < 1e-4 && text < 1e-4, $"image {image:E2}, text {text:E2}");
        }
        using var imported = AdapterFile.Read(adapter);
        Assert.Equal(rslora ? ScalingRule.AlphaOverSqrtRank : ScalingRule.AlphaOverRank, imported.Config.Scaling);
        Assert.Equal("text:0;vision:1", imported.Config.Layers.ToString());
    }

    [Fact]
    public void A_merged_hugging_face_folder_loads_back_to_the_merged_models_features()
    {
        using var model = TinyClip.LoadFixture();
        using var set = AdapterInjector.Inject(model, new AdapterConfig { Method = AdapterMethod.BlockLora, Blocks = 4, Targets = AdapterTargetNames.Parse("q,k,v,o,c_fc,c_proj") });
        TinyClip.Randomize(set, scale: 0.2);
        string hf = Path.Combine(temp.Path, "merged-hf");
        string openAi = Path.Combine(temp.Path, "merged-openai.safetensors");
        HfClipWriter.Write(hf, model, set);
        MergedCheckpointWriter.Write(openAi, model, set);
        Assert.True(File.Exists(Path.Combine(hf, "config.json")) && File.Exists(Path.Combine(hf, "model.safetensors")));
        Assert.Empty(Directory.GetDirectories(temp.Path, ".merged-hf*")); // no staging folder left

        using var fromHf = ClipCheckpoint.Load(hf);
        using var fromOpenAi = ClipCheckpoint.Load(openAi);
        Assert.Equal(fromOpenAi.Config, fromHf.Config);
        var pixels = TinyClip.Pixels(model.Config);
        var tokens = TinyClip.Tokens(model.Config with { VocabSize = 49408, ContextLength = 77 });
        using (no_grad())
        {
            double image = TinyClip.RelativeError(fromHf.EncodeImage(pixels), fromOpenAi.EncodeImage(pixels));
            double text = TinyClip.RelativeError(fromHf.EncodeText(tokens), fromOpenAi.EncodeText(tokens));
            output.WriteLine($"HF folder vs OpenAI-format merged checkpoint: image {image:E2}, text {text:E2}");
            Assert.True(image < 1e-5 && text < 1e-5, $"image {image:E2}, text {text:E2}");
        }
        var keys = SafeTensorsFile.Load(Path.Combine(hf, "model.safetensors"), shapesOnly: true).Tensors.Keys.ToHashSet();
        Assert.Contains("vision_model.encoder.layers.0.self_attn.q_proj.weight", keys);
        Assert.Contains("text_model.encoder.layers.1.mlp.fc2.bias", keys);
        Assert.Contains("visual_projection.weight", keys);
    }

    [Fact]
    public void Blora_adapter_merge_format_hf_writes_a_folder_the_hf_reader_loads_and_never_overwrites_one()
    {
        string adapter = Path.Combine(temp.Path, "for-merge.safetensors");
        using (var tiny = TinyClip.LoadFixture())
        using (var set = AdapterInjector.Inject(tiny, new AdapterConfig { Method = AdapterMethod.BlockLora, Blocks = 2 }))
        {
            TinyClip.Randomize(set, scale: 0.2);
            AdapterFile.Save(adapter, set);
        }
        string folder = Path.Combine(temp.Path, "cli-merged-hf");
        var merge = BloraProcess.Run("adapter", "merge", "--model", F("openai.safetensors"), "--adapter", adapter, "--output", folder, "--format", "hf");
        Assert.True(merge.ExitCode == 0, merge.Stderr);
        using (var loaded = ClipCheckpoint.Load(folder)) Assert.Equal(2, loaded.Config.VisionLayers);
        var again = BloraProcess.Run("adapter", "merge", "--model", F("openai.safetensors"), "--adapter", adapter, "--output", folder, "--format", "hf");
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("not empty (pass --force", again.Stderr);
        Assert.Equal(0, BloraProcess.Run("adapter", "merge", "--model", F("openai.safetensors"), "--adapter", adapter, "--output", folder, "--format", "hf", "--force").ExitCode);
    }

    [Fact]
    public void Bad_peft_folders_are_one_line_errors_and_write_nothing()
    {
        string model = F("openai.safetensors");
        var good = RandomWeights(2, 9);
        string noConfig = WritePeftByHand("no-config", true, 2, 1, good, withConfig: false);
        string wrongRank = WritePeftByHand("wrong-rank", true, 4, 1, good);
        string dora = WritePeftByHand("dora", true, 2, 1, good, extraConfig: ", \"use_dora\": true");
        string otherModel = WritePeftByHand("llama", true, 2, 1, new Dictionary<string, (Tensor, Tensor)> { ["model.layers.0.self_attn.q_proj"] = (randn(2, 64), randn(64, 2)) });
        string otherSize = WritePeftByHand("other-size", true, 2, 1, RandomWeights(2, 10, width: 96));
        string narrowTargets = WritePeftByHand("targets", true, 2, 1, good);
        File.WriteAllText(Path.Combine(narrowTargets, "adapter_config.json"), File.ReadAllText(Path.Combine(narrowTargets, "adapter_config.json"))
            .Replace("\"text_model.encoder.layers.0.self_attn.q_proj\", ", ""));
        string exportSource = Path.Combine(temp.Path, "for-export.safetensors");
        using (var tiny = TinyClip.LoadFixture())
        using (var set = AdapterInjector.Inject(tiny, new AdapterConfig())) AdapterFile.Save(exportSource, set);
        string occupied = Path.Combine(temp.Path, "occupied");
        Directory.CreateDirectory(occupied);
        File.WriteAllText(Path.Combine(occupied, "keep.txt"), "mine");

        var cases = new (string[] Args, string Message)[]
        {
            (["adapter", "import-peft", noConfig, "--model", model, Out("a")], "no adapter_config.json"),
            (["adapter", "import-peft", wrongRank, "--model", model, Out("b")], "says r=4"),
            (["adapter", "import-peft", dora, "--model", model, Out("c")], "has no lora_magnitude_vector, but adapter_config.json sets use_dora: true"),
            (["adapter", "import-peft", otherModel, "--model", model, Out("d")], "not a module of a Hugging Face CLIPModel"),
            (["adapter", "import-peft", otherSize, "--model", model, Out("e")], "an adapter for another CLIP size"),
            (["adapter", "import-peft", narrowTargets, "--model", model, Out("f")], "target_modules does not cover 'text_model.encoder.layers.0.self_attn.q_proj'"),
            (["adapter", "export-peft", exportSource, occupied], "not empty (pass --force"),
        };
        foreach (var (args, message) in cases)
        {
            var result = BloraProcess.Run(args);
            var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.True(result.ExitCode == 2 && lines.Length == 1 && lines[0].Contains(message), $"{string.Join(" ", args)}: exit {result.ExitCode}, expected one line with '{message}':\n{result.Stderr}");
        }
        Assert.Empty(Directory.GetFiles(temp.Path, "out-*"));
        Assert.Equal(["keep.txt"], Directory.GetFiles(occupied).Select(Path.GetFileName));
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path, ".*"));
    }

    private string Out(string name) => Path.Combine(temp.Path, $"out-{name}.safetensors");
}
