using System.Text.Json;
using BlockLora.Adapters;
using BlockLora.Checkpoints;
using BlockLora.Interop;
using BlockLora.IO;
using BlockLora.Tests.Adapters;
using static TorchSharp.torch;

namespace BlockLora.Tests.Interop;

/// <summary>
/// VeRA to and from PEFT's VERA layout: the export carries its projections (<c>save_projection: true</c>), so a merge done
/// by hand from the PEFT files alone with PEFT's rule (W0 + (λ_b ⊙ B[:out]) · (λ_d ⊙ A[:, :in]), peft
/// <c>tuners/vera/layer.py</c> <c>get_delta_weight</c>) gives the adapter's merged weights; an import of the export is bit
/// for bit; projections this library would not regenerate, and a folder without them, are refused in one line.
/// </summary>
public class PeftVeraTests(TempDirectory temp) : IClassFixture<TempDirectory>
{
    private static readonly AdapterConfig Vera = new() { Method = AdapterMethod.Vera, Rank = 6, Seed = 5, Dropout = 0.05, VeraDInitial = 0.25, Targets = AdapterTargets.All };

    /// <summary>A VeRA adapter on the fixture CLIP with random λ (λ_b = 0 after init would make the merge trivial), saved.</summary>
    private string SavedAdapter(string name, out Dictionary<string, Tensor> mergedWeights, out Dictionary<string, Tensor> baseWeights)
    {
        using var model = TinyClip.LoadFixture();
        using var set = AdapterInjector.Inject(model, Vera);
        TinyClip.Randomize(set, scale: 0.3);
        string path = temp.File(name);
        AdapterFile.Save(path, set);
        var slots = model.AdaptableSlots().ToDictionary(x => x.Path, x => x.Slot);
        baseWeights = set.Matrices.ToDictionary(m => m.Path, m => Kept(slots[m.Path].Weight.detach().clone()));
        set.MergeAll();
        mergedWeights = set.Matrices.ToDictionary(m => m.Path, m => Kept(slots[m.Path].Weight.detach().clone()));
        set.UnmergeAll();
        return path;
    }

    private static Tensor Kept(Tensor t)
    {
        t.DetachFromDisposeScope();
        return t;
    }

    [Fact]
    public void The_export_merged_as_PEFT_merges_it_gives_the_adapters_merged_weights()
    {
        using var scope = NewDisposeScope();
        string adapter = SavedAdapter("vera.safetensors", out var merged, out var w0);
        string peft = Path.Combine(temp.Path, "peft-vera");
        var result = PeftAdapterExport.Write(adapter, peft);

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(peft, PeftNames.ConfigFileName)));
        var root = json.RootElement;
        Assert.Equal("VERA", root.GetProperty("peft_type").GetString());
        Assert.True(root.GetProperty("save_projection").GetBoolean());
        Assert.Equal(Vera.Rank, root.GetProperty("r").GetInt32());
        Assert.Equal(Vera.Seed, root.GetProperty("projection_prng_key").GetInt64());
        Assert.Equal(Vera.VeraDInitial, root.GetProperty("d_initial").GetDouble());
        Assert.Equal(Vera.Dropout, root.GetProperty("vera_dropout").GetDouble());
        Assert.Equal(merged.Count, root.GetProperty("target_modules").GetArrayLength());
        Assert.Equal(merged.Count, result.TargetModules.Count);

        var files = SafeTensorsFile.Load(Path.Combine(peft, PeftNames.WeightsFileName));
        var a = files.Tensors["base_model.vera_A"];
        var b = files.Tensors["base_model.vera_B"];
        // PEFT's _find_dim: the widest input and output over the targeted modules, here the vision MLP's c_proj and c_fc.
        long kMax = merged.Values.Max(w => w.shape[1]), dMax = merged.Values.Max(w => w.shape[0]);
        Assert.Equal([Vera.Rank, kMax], a.shape);
        Assert.Equal([dMax, Vera.Rank], b.shape);
        Assert.True(merged.Values.Any(w => w.shape[1] < kMax) && merged.Values.Any(w => w.shape[0] < dMax), "every module as wide as the widest: slicing would go untested");
        Assert.Equal(2 * merged.Count + 2, files.Tensors.Count);
        foreach (var (path, weight) in merged)
        {
            string hf = HfClipNames.ToHf(path);
            var lambdaB = files.Tensors[$"base_model.model.{hf}.vera_lambda_b"];
            var lambdaD = files.Tensors[$"base_model.model.{hf}.vera_lambda_d"];
            long d = weight.shape[0], k = weight.shape[1];
            Assert.Equal([d], lambdaB.shape);
            var delta = (lambdaB.unsqueeze(-1) * b.narrow(0, 0, d)).matmul(lambdaD.unsqueeze(-1) * a.narrow(1, 0, k));
            double error = TinyClip.RelativeError(weight, w0[path] + delta);
            Assert.True(error < 1e-6, $"{path}: {error:E2}");
            Assert.True(delta.abs().max().item<float>() > 0, $"{path}: the update is zero, the comparison would be trivial");
        }
        foreach (var t in files.Tensors.Values) t.Dispose();
        foreach (var t in merged.Values.Concat(w0.Values)) t.Dispose();
    }

    [Fact]
    public void Importing_the_export_gives_back_the_adapter_bit_for_bit()
    {
        using var scope = NewDisposeScope();
        string adapter = SavedAdapter("vera-roundtrip.safetensors", out var merged, out var w0);
        string peft = Path.Combine(temp.Path, "peft-vera-roundtrip");
        PeftAdapterExport.Write(adapter, peft);
        string back = temp.File("vera-back.safetensors");
        var clip = ClipCheckpoint.ReadConfig(Fixtures.ClipTiny("openai.safetensors"));
        var result = PeftAdapterImport.Write(peft, clip, back);

        Assert.Equal(AdapterMethod.Vera, result.Config.Method);
        using var original = AdapterFile.Read(adapter);
        using var imported = AdapterFile.Read(back);
        // The selection comes back as the blocks the keys name ("0-1") rather than "all": the same matrices, compared below.
        Assert.Equal(original.Config, imported.Config with { Layers = original.Config.Layers });
        Assert.Equal(original.MatrixPaths.Order(), imported.MatrixPaths.Order());
        foreach (var path in original.MatrixPaths)
        {
            original.TryGet(path, out var expected);
            imported.TryGet(path, out var actual);
            foreach (var name in new[] { VeraAdapter.LambdaBName, VeraAdapter.LambdaDName })
                Assert.True(TinyClip.BitIdentical(expected[name], actual[name]), $"{path}.{name}");
        }
        foreach (var key in new[] { AdapterMetadata.Key.VeraKMax, AdapterMetadata.Key.VeraDMax, AdapterMetadata.Key.VeraProjectionChecksum, AdapterMetadata.Key.VeraDInitial })
            Assert.Equal(original.Metadata[key], imported.Metadata[key]);
        foreach (var t in merged.Values.Concat(w0.Values)) t.Dispose();
    }

    public static TheoryData<string, string> Tampered => new()
    {
        { "projections", "are not the projections this library draws from projection_prng_key 5" },
        { "key", "are not the projections this library draws from projection_prng_key 6" },
        { "save_projection", "save_projection is not true" },
        { "lambda", "has vera_lambda_d but no vera_lambda_b" },
    };

    [Theory]
    [MemberData(nameof(Tampered))]
    public void Import_refuses_what_it_cannot_represent_exactly_in_one_line_and_writes_nothing(string change, string message)
    {
        string adapter = SavedAdapter($"vera-{change}.safetensors", out var merged, out var w0);
        foreach (var t in merged.Values.Concat(w0.Values)) t.Dispose();
        string peft = Path.Combine(temp.Path, $"peft-vera-{change}");
        PeftAdapterExport.Write(adapter, peft);
        string config = Path.Combine(peft, PeftNames.ConfigFileName), weights = Path.Combine(peft, PeftNames.WeightsFileName);
        switch (change)
        {
            case "projections":
                Rewrite(weights, (k, t) => k == PeftNames.VeraA ? t * 1.0000001f + 1e-7f : t);
                break;
            case "key":
                File.WriteAllText(config, File.ReadAllText(config).Replace("\"projection_prng_key\": 5", "\"projection_prng_key\": 6", StringComparison.Ordinal));
                break;
            case "save_projection":
                File.WriteAllText(config, File.ReadAllText(config).Replace("\"save_projection\": true", "\"save_projection\": false", StringComparison.Ordinal));
                break;
            case "lambda":
                Rewrite(weights, (k, t) => k.EndsWith("layers.0.self_attn.q_proj.vera_lambda_b", StringComparison.Ordinal) ? null : t);
                break;
        }
        string output = temp.File($"vera-{change}-imported.safetensors");
        var error = Assert.Throws<InvalidDataException>(() => PeftAdapterImport.Write(peft, ClipCheckpoint.ReadConfig(Fixtures.ClipTiny("openai.safetensors")), output));
        Assert.Contains(message, error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.False(File.Exists(output));
        Assert.Empty(Directory.GetFiles(temp.Path, $".vera-{change}-imported*"));
    }

    private static void Rewrite(string weights, Func<string, Tensor, Tensor?> change)
    {
        var raw = SafeTensorsFile.Load(weights);
        var kept = raw.Tensors.Select(p => (p.Key, Value: change(p.Key, p.Value))).Where(p => p.Value is not null)
            .Select(p => new KeyValuePair<string, Tensor>(p.Key, p.Value!)).ToList();
        SafeTensorsFile.Save(weights, kept, raw.Metadata);
        foreach (var t in raw.Tensors.Values) t.Dispose();
    }
}
