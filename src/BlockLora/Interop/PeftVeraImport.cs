using System.Globalization;
using System.Text.Json;
using BlockLora.Adapters;
using BlockLora.Clip;
using static TorchSharp.torch;

namespace BlockLora.Interop;

/// <summary>
/// Reads a PEFT VERA adapter for a Hugging Face <c>CLIPModel</c> (the layout <see cref="PeftVeraExport"/> writes) into this
/// project's VeRA file. This project stores VeRA's projections as a seed and regenerates them, so an import is exact only
/// when the saved <c>base_model.vera_A</c>/<c>vera_B</c> are bit for bit what this library's generator draws from
/// <c>projection_prng_key</c> at the adapted modules' widest shape: true for this project's own exports, not for a VeRA
/// trained in PEFT (torch's generator). Anything else is refused by name, as is a folder saved without its projections
/// (<c>save_projection: false</c>), whose matrices only torch's generator could restore.
/// </summary>
internal static class PeftVeraImport
{
    public static PeftAdapterImport.Result Write(JsonElement root, string configPath, string peftDir, ClipConfig clip, string outPath)
    {
        var config = ReadConfig(root, configPath);
        var (raw, weights) = PeftFolder.LoadWeights(peftDir);
        try
        {
            using var scope = NewDisposeScope();
            var targets = PeftFolder.TargetModules(root);
            var (projectionA, projectionB, lambdas) = Split(raw.Tensors, weights, targets, configPath);
            var shapes = PeftFolder.Shapes(clip);
            var matrices = new List<(string Path, Tensor LambdaD, Tensor LambdaB)>();
            foreach (var (module, (lambdaB, lambdaD)) in lambdas)
            {
                string path = PeftFolder.ModulePath(module, PeftNames.VeraLambda(module, 'b'), targets, weights, configPath);
                var (d, _) = PeftFolder.Shape(shapes, path, module, weights, clip);
                if (lambdaB is null || lambdaD is null)
                    throw new InvalidDataException($"{weights}: '{module}' has {(lambdaB is null ? "vera_lambda_d but no vera_lambda_b" : "vera_lambda_b but no vera_lambda_d")}");
                if (lambdaD.dim() != 1 || lambdaD.shape[0] != config.Rank)
                    throw new InvalidDataException($"{weights}: '{module}' vera_lambda_d has shape [{string.Join(", ", lambdaD.shape)}] but {PeftNames.ConfigFileName} says r={config.Rank}");
                if (lambdaB.dim() != 1 || lambdaB.shape[0] != d)
                    throw new InvalidDataException($"{weights}: '{module}' vera_lambda_b has shape [{string.Join(", ", lambdaB.shape)}], the module's output width needs [{d}]: an adapter for another CLIP size");
                matrices.Add((path, lambdaD.to(ScalarType.Float32), lambdaB.to(ScalarType.Float32)));
            }
            if (matrices.Count == 0) throw new InvalidDataException($"{weights}: no vera_lambda_b/vera_lambda_d tensors");
            config = PeftFolder.WithSelection(config, matrices.Select(m => m.Path).ToArray(), clip, weights);
            CheckProjections(projectionA, projectionB, config, clip, weights);
            // In the order VeRA's registration stores them: λ_d, then λ_b.
            var tensors = matrices.SelectMany(m => new[]
            {
                new KeyValuePair<string, Tensor>($"{m.Path}.{VeraAdapter.LambdaDName}", m.LambdaD),
                new KeyValuePair<string, Tensor>($"{m.Path}.{VeraAdapter.LambdaBName}", m.LambdaB),
            }).ToList();
            long count = tensors.Sum(x => x.Value.numel());
            var provenance = new Dictionary<string, string> { ["source"] = "peft", ["peft_base_model"] = PeftFolder.String(root, "base_model_name_or_path") ?? "" };
            PeftFolder.SaveAdapter(outPath, tensors, AdapterMetadata.From(config, clip, count, provenance), clip);
            return new PeftAdapterImport.Result(config, matrices.Count, count);
        }
        finally
        {
            foreach (var tensor in raw.Tensors.Values) tensor.Dispose();
        }
    }

    /// <summary>Method, rank, seed, dropout and d_initial from <c>adapter_config.json</c>, with what is not represented here refused.</summary>
    private static AdapterConfig ReadConfig(JsonElement root, string path)
    {
        PeftFolder.RefuseCommonExtras(root, path);
        if (!PeftFolder.Flag(root, "save_projection"))
            throw new InvalidDataException($"{path}: save_projection is not true, so the folder lacks VeRA's projections and only torch's generator could redraw them from projection_prng_key; this library cannot, so re-save the adapter in PEFT with save_projection=True");
        int rank = PeftFolder.Rank(root, path);
        long seed = root.TryGetProperty("projection_prng_key", out var k) && k.TryGetInt64(out long kv) ? kv : throw new InvalidDataException($"{path}: projection_prng_key is missing or not an integer");
        double dropout = root.TryGetProperty("vera_dropout", out var p) && p.ValueKind == JsonValueKind.Number ? p.GetDouble() : 0;
        if (dropout is not (>= 0 and < 1)) throw new InvalidDataException($"{path}: vera_dropout {dropout.ToString(CultureInfo.InvariantCulture)} is not in [0, 1)");
        double dInitial = root.TryGetProperty("d_initial", out var di) && di.ValueKind == JsonValueKind.Number ? di.GetDouble() : VeraAdapter.DefaultDInitial;
        if (!double.IsFinite(dInitial) || dInitial == 0) throw new InvalidDataException($"{path}: d_initial {dInitial.ToString(CultureInfo.InvariantCulture)} is not a finite non-zero number");
        return new AdapterConfig { Method = AdapterMethod.Vera, Rank = rank, Seed = seed, Dropout = dropout, VeraDInitial = dInitial };
    }

    private static (Tensor A, Tensor B, SortedDictionary<string, (Tensor? B, Tensor? D)> Lambdas) Split(
        IReadOnlyDictionary<string, Tensor> tensors, string weights, JsonElement targets, string configPath)
    {
        Tensor? a = null, b = null;
        var lambdas = new SortedDictionary<string, (Tensor? B, Tensor? D)>(StringComparer.Ordinal);
        foreach (var (key, tensor) in tensors)
        {
            if (key == PeftNames.VeraA) a = tensor;
            else if (key == PeftNames.VeraB) b = tensor;
            else if (PeftNames.ParseVeraLambda(key) is { } parsed)
            {
                lambdas.TryGetValue(parsed.Module, out var pair);
                lambdas[parsed.Module] = parsed.Vector == 'b' ? (tensor, pair.D) : (pair.B, tensor);
            }
            else throw new InvalidDataException($"{weights}: '{key}' is neither a VeRA vector of a CLIPModel layer (vera_lambda_b/d) nor a shared projection ({PeftNames.VeraA}, {PeftNames.VeraB})");
        }
        if (a is null || b is null)
            throw new InvalidDataException($"{weights}: no {(a is null ? PeftNames.VeraA : PeftNames.VeraB)}, although {configPath} sets save_projection: true");
        return (a, b, lambdas);
    }

    /// <summary>Refuses projections that are not, bit for bit, what the seed regenerates at the selection's widest shape.</summary>
    private static void CheckProjections(Tensor a, Tensor b, AdapterConfig config, ClipConfig clip, string weights)
    {
        var (kMax, dMax) = VeraAdapter.Widest(config.SelectMatrices(clip));
        if (a.dim() != 2 || b.dim() != 2 || a.shape[0] != config.Rank || a.shape[1] != kMax || b.shape[0] != dMax || b.shape[1] != config.Rank)
            throw new InvalidDataException($"{weights}: {PeftNames.VeraA} [{string.Join(", ", a.shape)}] and {PeftNames.VeraB} [{string.Join(", ", b.shape)}] are not [r, in_max] = [{config.Rank}, {kMax}] and [out_max, r] = [{dMax}, {config.Rank}] for the adapted modules");
        var (expectedA, expectedB) = VeraProjections.Generate(config.Seed, config.Rank, kMax, dMax);
        using (expectedA)
        using (expectedB)
        {
            if (a.dtype != ScalarType.Float32 || b.dtype != ScalarType.Float32 || !a.eq(expectedA).all().item<bool>() || !b.eq(expectedB).all().item<bool>())
                throw new InvalidDataException($"{weights}: {PeftNames.VeraA}/{PeftNames.VeraB} are not the projections this library draws from projection_prng_key {config.Seed} (a VeRA trained in PEFT draws them with torch's generator); this project stores VeRA's projections as a seed, so it cannot represent these exactly");
        }
    }
}
