using BlockLora.Adapters;
using BlockLora.Interop;
using BlockLora.Inference;
using BlockLora.IO;
using BlockLora.Tests.Clip;
using static TorchSharp.torch;

namespace BlockLora.Tests.Adapters;

/// <summary>
/// Adapter files written by another implementation of docs/method.md's format (here: raw safetensors
/// written without this library's adapter code, and CLIP-LoRA .pt dictionaries) give, through
/// `blora encode --adapter [--merge]`, the features of the plain reference forward with
/// W0 + s·B·[A_s … A_s] folded into the weights by hand.
/// </summary>
public class AdapterInteropTests
{
    private static readonly string[] Images = ["exact_0.png", "exact_1.png", "exact_2.png"];

    private sealed record ForeignAdapter(Dictionary<string, Tensor> Tensors, int Rank, int Blocks, double Scaling);

    /// <summary>Random q/k/v adapters for both clip-tiny encoders, named as method.md says.</summary>
    private static ForeignAdapter Random(int rank, int blocks, long seed)
    {
        var g = new TorchSharp.torch.Generator((ulong)seed);
        var tensors = new Dictionary<string, Tensor>();
        foreach (var (prefix, width) in new[] { ("visual.transformer", 128), ("transformer", 64) })
        for (int layer = 0; layer < 2; layer++)
        foreach (var proj in new[] { "q_proj", "k_proj", "v_proj" })
        {
            string path = $"{prefix}.resblocks.{layer}.attn.{proj}";
            tensors[path + ".lora_A"] = randn(rank, width / blocks, generator: g) * 0.2;
            tensors[path + ".lora_B"] = randn(width, rank, generator: g) * 0.2;
        }
        return new ForeignAdapter(tensors, rank, blocks, 1.0 / Math.Sqrt(rank));
    }

    /// <summary>The reference: fold ΔW into the fused in_proj rows of an OpenAI state dict, then run the plain forward.</summary>
    private static (Tensor Image, Tensor Text) ReferenceFeatures(ForeignAdapter adapter)
    {
        var state = SafeTensorsFile.Load(Fixtures.ClipTiny("openai.safetensors")).Tensors.ToDictionary(kv => kv.Key, kv => kv.Value.to(ScalarType.Float32));
        foreach (var (name, a) in adapter.Tensors.Where(kv => kv.Key.EndsWith(".lora_A")))
        {
            string path = name[..^".lora_A".Length];
            var b = adapter.Tensors[path + ".lora_B"];
            var delta = adapter.Scaling * b.matmul(a).repeat(1, adapter.Blocks);
            string attn = path[..path.LastIndexOf('.')];
            int third = Array.IndexOf(new[] { "q_proj", "k_proj", "v_proj" }, path[(path.LastIndexOf('.') + 1)..]);
            var inProj = state[attn + ".in_proj_weight"];
            long w = inProj.shape[1];
            inProj.narrow(0, third * w, w).add_(delta);
        }
        using var _ = no_grad();
        var pixels = Fixtures.Expected("pixels").narrow(0, 0, 3);
        return (ReferenceClip.EncodeImage(state, pixels, heads: 2, patch: 8), ReferenceClip.EncodeText(state, Fixtures.Expected("tokens"), heads: 1));
    }

    private static Dictionary<string, Tensor> Encode(string adapterPath, bool merge) => Encode(adapterPath, merge, Images);

    /// <summary>Runs <c>encode</c> on fixture images and texts with an adapter (the same job the CLI runs) and returns its output tensors.</summary>
    internal static Dictionary<string, Tensor> Encode(string adapterPath, bool merge, IReadOnlyList<string> images)
    {
        string output = Path.Combine(Fixtures.TempDir(), "out.safetensors");
        EncodeJob.Run(new EncodeRequest
        {
            ModelPath = Fixtures.ClipTiny("openai.safetensors"),
            Images = images.Select(Fixtures.ClipTiny).ToList(),
            TextsFile = Fixtures.ClipTiny("texts.json"),
            OutputPath = output,
            AdapterPath = adapterPath,
            MergeAdapter = merge,
        });
        return SafeTensorsFile.Load(output).Tensors.ToDictionary();
    }

    private static double RelativeError(Tensor got, Tensor expected) =>
        ((got - expected).abs().max() / expected.abs().max()).item<float>();

    public static TheoryData<int, int, bool> Cases => new()
    {
        { 2, 1, false }, { 2, 1, true }, { 2, 4, false }, { 4, 8, true }, { 1, 16, false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Foreign_adapter_file_reproduces_reference_features(int rank, int blocks, bool merge)
    {
        var adapter = Random(rank, blocks, seed: 100 + rank * 10 + blocks);
        string file = Path.Combine(Fixtures.TempDir(), "foreign.safetensors");
        SafeTensorsFile.Save(file, adapter.Tensors, new Dictionary<string, string>
        {
            ["format"] = "blora-adapter", ["version"] = "1", ["method"] = blocks == 1 ? "lora" : "block-lora",
            ["rank"] = rank.ToString(), ["blocks"] = blocks.ToString(), ["alpha"] = "1", ["scaling"] = "alpha/sqrt(r)", ["dropout"] = "0.25",
        });
        var (image, text) = ReferenceFeatures(adapter);
        var got = Encode(file, merge);
        Assert.True(RelativeError(got["image_features"], image) < 1e-4, $"image rel err {RelativeError(got["image_features"], image)}");
        Assert.True(RelativeError(got["text_features"], text) < 1e-4, $"text rel err {RelativeError(got["text_features"], text)}");
    }

    [Fact]
    public void Clip_lora_pt_imports_to_the_same_features()
    {
        var adapter = Random(rank: 2, blocks: 1, seed: 77);
        // CLIP-LoRA's save_lora layout: layer_i numbered text encoder first, then vision; 'proj' is out_proj.
        var weights = new Dictionary<string, object?>();
        int index = 0;
        foreach (var prefix in new[] { "transformer", "visual.transformer" })
        for (int layer = 0; layer < 2; layer++)
        {
            var entry = new Dictionary<string, object?>();
            foreach (var proj in new[] { "q_proj", "k_proj", "v_proj" })
                entry[proj] = new Dictionary<string, object?>
                {
                    ["w_lora_A"] = adapter.Tensors[$"{prefix}.resblocks.{layer}.attn.{proj}.lora_A"],
                    ["w_lora_B"] = adapter.Tensors[$"{prefix}.resblocks.{layer}.attn.{proj}.lora_B"],
                };
            weights[$"layer_{index++}"] = entry;
        }
        string pt = Path.Combine(Fixtures.TempDir(), "clip_lora.pt");
        TorchZipPickleWriter.Save(pt, new Dictionary<string, object?>
        {
            ["weights"] = weights,
            ["metadata"] = new Dictionary<string, object?>
            {
                ["r"] = 2L, ["alpha"] = 1L, ["encoder"] = "both", ["params"] = new List<object?> { "q", "k", "v" }, ["position"] = "all",
            },
        });
        string converted = Path.Combine(Fixtures.TempDir(), "converted.safetensors");
        using (var model = BlockLora.Checkpoints.ClipCheckpoint.Load(Fixtures.ClipTiny("openai.safetensors")))
            ClipLoraImport.Convert(pt, converted, model.Config);

        var (image, text) = ReferenceFeatures(adapter);
        // The .pt itself too: encode imports it for the model it loaded.
        foreach (string file in new[] { converted, pt })
        foreach (bool merge in new[] { false, true })
        {
            var got = Encode(file, merge);
            Assert.True(RelativeError(got["image_features"], image) < 1e-4, $"{Path.GetFileName(file)} merge={merge}");
            Assert.True(RelativeError(got["text_features"], text) < 1e-4, $"{Path.GetFileName(file)} merge={merge}");
        }
    }
}

public class AdapterTensorNamesTests
{
    [Fact]
    public void Targets_encoders_and_layers_are_read_off_tensor_names()
    {
        string[] names =
        [
            "visual.transformer.resblocks.3.attn.q_proj.lora_A", "visual.transformer.resblocks.3.attn.q_proj.lora_B",
            "transformer.resblocks.5.attn.out_proj.lora_A", "transformer.resblocks.5.mlp.c_fc.lora_B",
        ];
        Assert.Equal(AdapterTargets.Q | AdapterTargets.O | AdapterTargets.CFc, AdapterTensorNames.Targets(names));
        Assert.Equal(AdapterEncoders.Both, AdapterTensorNames.Encoders(names));
        // Text block 5 and vision block 3: a shared selection 3,5 would name blocks the file does not hold.
        Assert.Equal(LayerSelection.Parse("text:5;vision:3"), AdapterTensorNames.Layers(names));
        Assert.Equal(AdapterEncoders.Vision, AdapterTensorNames.Encoders(names.Take(2)));
        Assert.Equal(LayerSelection.Of([3]), AdapterTensorNames.Layers(names.Take(2)));
        string[] same = ["visual.transformer.resblocks.1.attn.q_proj.lora_A", "transformer.resblocks.1.attn.q_proj.lora_A"];
        Assert.Equal("1", AdapterTensorNames.Layers(same).ToString());
    }
}
