using BlockLora.Adapters;
using BlockLora.Checkpoints;
using BlockLora.Interop;
using BlockLora.IO;
using BlockLora.Tests.Adapters;
using BlockLora.Tests.Data;

namespace BlockLora.Tests.Cli;

/// <summary>
/// The LoRA family through the built CLI: every method's count from <c>blora adapter params</c>, and bad input (an
/// unknown method, options that do not go together, a VeRA file for other projections, a PEFT DoRA folder missing a
/// magnitude) refused in one line with exit 2 and nothing written.
/// </summary>
public class AdapterMethodCliTests
{
    /// <summary>ViT-B/16, q,k,v of both encoders (the defaults of <c>adapter params</c>).</summary>
    public static TheoryData<string, string> Counts => new()
    {
        { "--method lora --rank 2", "184,320" },
        { "--method block-lora --rank 2 --blocks 8", "103,680" },
        { "--method lora --rank 2 --dora true", "230,400" },
        { "--method block-lora --rank 2 --blocks 8 --dora true", "149,760" },
        { "--method block-lora --rank 1 --blocks 4 --dora true", "103,680" },
        { "--method lora --rank 2 --freeze-a true", "92,160" },
        { "--method vera --rank 256", "64,512" },
        { "--method vera --rank 800", "103,680" },
        { "--method lora --rank 2 --init pissa", "184,320" },
        { "--method lora --rank 1", "92,160" },
    };

    [Theory]
    [MemberData(nameof(Counts))]
    public void Adapter_params_prints_every_methods_count(string options, string total)
    {
        var result = BloraProcess.Run(["adapter", "params", .. options.Split(' ')]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        var totalLine = result.Stdout.Split('\n').Single(l => l.StartsWith("all ", StringComparison.Ordinal));
        Assert.Contains($" {total} ", totalLine + " ");
    }

    private static string[] Train(string root, string results, params string[] more) =>
        ["train", "--model", Fixtures.ClipTiny("openai.safetensors"), "--data-root", root, "--dataset", TinyCoOpDataset.DatasetName, "--results", results,
         "--shots", "1", "--iterations", "2", "--batch-size", "2", "--precision", "fp32", "--workers", "1", .. more];

    public static TheoryData<string, string> BadTrainOptions => new()
    {
        { "--method dora", "--method 'dora': unknown method 'dora' (use zero-shot, lora, block-lora or vera)" },
        { "--method vera --dora true", "--dora goes with an additive low-rank method (lora or block-lora), not vera" },
        { "--method lora --vera-d-initial 0.5", "--vera-d-initial sets VeRA's initial λ_d; lora has no λ_d" },
        { "--method lora --dora true --init pissa", "--dora with --init pissa is not defined" },
        { "--method vera --rank 4 --vera-d-initial 0", "vera d_initial must be finite and non-zero" },
    };

    [Theory]
    [MemberData(nameof(BadTrainOptions))]
    public void Train_refuses_methods_that_do_not_exist_or_go_together_and_writes_nothing(string options, string message)
    {
        var tiny = TinyCoOpDataset.Create(Fixtures.TempDir(), classes: 2, trainPerClass: 2, testPerClass: 1, seed: 3);
        string results = Path.Combine(Fixtures.TempDir(), "results");
        var result = BloraProcess.Run(Train(tiny.Root, results, options.Split(' ')));
        AssertOneLineError(result, message);
        Assert.False(Directory.Exists(results), $"{results} was written");
    }

    private static void AssertOneLineError(BloraProcess.Result result, string message)
    {
        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(result.ExitCode == 2 && lines.Length == 1 && lines[0].Contains(message, StringComparison.Ordinal),
            $"exit {result.ExitCode}, expected one line with '{message}':\n{result.Stderr}");
    }

    [Theory]
    [InlineData("seed", "2", "regenerates VeRA projections with checksum")]
    [InlineData("vera_k_max", "64", "VeRA metadata 'vera_k_max' is '64' but this base's adapted matrices need 128")]
    [InlineData("vera_d_max", "16", "VeRA metadata 'vera_d_max' is '16' but this base's adapted matrices need 128")]
    public void Encode_refuses_a_vera_file_whose_seed_or_shapes_do_not_match_and_writes_nothing(string key, string value, string message)
    {
        string model = Fixtures.ClipTiny("openai.safetensors");
        string dir = Fixtures.TempDir();
        string good = Path.Combine(dir, "vera.safetensors");
        using (var clip = ClipCheckpoint.Load(model))
        using (var set = AdapterInjector.Create(clip.Config, new AdapterConfig { Method = AdapterMethod.Vera, Rank = 4, Seed = 1 }))
            AdapterFile.Save(good, set);
        var raw = SafeTensorsFile.Load(good);
        var metadata = raw.Metadata.ToDictionary(p => p.Key, p => p.Value);
        metadata[key] = value;
        string bad = Path.Combine(dir, $"vera-{key}.safetensors");
        SafeTensorsFile.Save(bad, raw.Tensors, metadata);
        foreach (var t in raw.Tensors.Values) t.Dispose();

        string output = Path.Combine(dir, "features.safetensors");
        string[] Encode(string adapter) =>
            ["encode", "--model", model, "--texts-file", Fixtures.ClipTiny("texts.json"), "--images", Fixtures.ClipTiny("exact_0.png"), "--output", output, "--adapter", adapter];
        var result = BloraProcess.Run(Encode(bad));
        AssertOneLineError(result, message);
        Assert.StartsWith($"blora: {bad}: ", result.Stderr);
        Assert.False(File.Exists(output));
        Assert.True(BloraProcess.Run(Encode(good)).ExitCode == 0, "the unedited file must encode");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Import_peft_refuses_a_dora_folder_missing_one_magnitude_or_use_dora_and_writes_nothing(bool dropMagnitude)
    {
        string dir = Fixtures.TempDir();
        string source = Path.Combine(dir, "dora.safetensors");
        using (var model = TinyClip.LoadFixture())
        using (var set = AdapterInjector.Inject(model, new AdapterConfig { Dora = true }))
        {
            TinyClip.Randomize(set, scale: 0.3);
            AdapterFile.Save(source, set);
        }
        string peft = Path.Combine(dir, "peft");
        PeftAdapterExport.Write(source, peft);
        string weights = Path.Combine(peft, PeftNames.WeightsFileName);
        const string module = "text_model.encoder.layers.1.self_attn.k_proj";
        string message;
        if (dropMagnitude)
        {
            var raw = SafeTensorsFile.Load(weights);
            Assert.Contains($"base_model.model.{module}.lora_magnitude_vector", raw.Tensors.Keys);
            SafeTensorsFile.Save(weights, raw.Tensors.Where(p => p.Key != $"base_model.model.{module}.lora_magnitude_vector"), raw.Metadata);
            foreach (var t in raw.Tensors.Values) t.Dispose();
            message = $"{weights}: '{module}' has no lora_magnitude_vector";
        }
        else
        {
            string config = Path.Combine(peft, PeftNames.ConfigFileName);
            File.WriteAllText(config, File.ReadAllText(config).Replace("\"use_dora\": true", "\"use_dora\": false", StringComparison.Ordinal));
            message = $"is a DoRA magnitude but {config} does not set use_dora: true";
        }

        string output = Path.Combine(dir, "imported.safetensors");
        var result = BloraProcess.Run("adapter", "import-peft", peft, "--model", Fixtures.ClipTiny("openai.safetensors"), output);
        AssertOneLineError(result, message);
        Assert.Equal(["dora.safetensors", "peft"], Directory.GetFileSystemEntries(dir).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void Vera_goes_out_to_PEFT_and_comes_back_while_projections_from_another_generator_are_refused_in_one_line()
    {
        string dir = Fixtures.TempDir();
        string source = Path.Combine(dir, "vera.safetensors");
        using (var model = TinyClip.LoadFixture())
        using (var set = AdapterInjector.Inject(model, new AdapterConfig { Method = AdapterMethod.Vera, Rank = 4, Seed = 2 }))
        {
            TinyClip.Randomize(set, scale: 0.3);
            AdapterFile.Save(source, set);
        }
        string peft = Path.Combine(dir, "peft");
        var exported = BloraProcess.Run("adapter", "export-peft", source, peft);
        Assert.True(exported.ExitCode == 0, exported.Stderr);
        string clipPath = Fixtures.ClipTiny("openai.safetensors");
        var imported = BloraProcess.Run("adapter", "import-peft", peft, "--model", clipPath, Path.Combine(dir, "back.safetensors"));
        Assert.True(imported.ExitCode == 0, imported.Stderr);
        Assert.Contains("vera r=4", imported.Stdout);

        // What PEFT would have saved after drawing its own projections: same shapes, other numbers.
        string weights = Path.Combine(peft, PeftNames.WeightsFileName);
        var raw = SafeTensorsFile.Load(weights);
        SafeTensorsFile.Save(weights, raw.Tensors.Select(p => p.Key == PeftNames.VeraB ? new KeyValuePair<string, TorchSharp.torch.Tensor>(p.Key, -p.Value) : p), raw.Metadata);
        foreach (var t in raw.Tensors.Values) t.Dispose();
        string output = Path.Combine(dir, "imported.safetensors");
        var result = BloraProcess.Run("adapter", "import-peft", peft, "--model", clipPath, output);
        AssertOneLineError(result, "it cannot represent these exactly");
        Assert.Equal(["back.safetensors", "peft", "vera.safetensors"], Directory.GetFileSystemEntries(dir).Select(Path.GetFileName).Order());
    }
}
