using System.Globalization;
using BlockLora.Adapters;
using BlockLora.Checkpoints;
using BlockLora.IO;
using static TorchSharp.torch;

namespace BlockLora.Interop;

/// <summary>
/// Writes a VeRA adapter in PEFT's VERA layout (peft <c>tuners/vera/{config,model,layer}.py</c> at
/// 5d602fdbff04c33c1c4de55cda9d4ae1d7cb7e40): per module <c>vera_lambda_b</c> [out] and <c>vera_lambda_d</c> [r], and the
/// shared projections <c>base_model.vera_A</c> [r, in_max] and <c>base_model.vera_B</c> [out_max, r] themselves, with
/// <c>save_projection: true</c> (PEFT's default). PEFT then loads these matrices rather than drawing its own from
/// <c>projection_prng_key</c> with torch's generator, which is not this library's, so the export computes exactly what
/// the adapter does: PEFT's forward is λ_b ⊙ (B[:out]·(λ_d ⊙ (A[:, :in]·x))), this project's too, and PEFT's in_max and
/// out_max (<c>_find_dim</c>, the widest targeted module) are the k_max and d_max the adapter file records.
/// <c>projection_prng_key</c> carries the adapter's seed, from which <see cref="PeftVeraImport"/> checks the projections.
/// </summary>
internal static class PeftVeraExport
{
    public static PeftAdapterExport.Result Write(AdapterFileContents adapter, string outDir, string baseModelName, bool force)
    {
        var config = adapter.Config;
        long kMax = MetadataLength(adapter, AdapterMetadata.Key.VeraKMax), dMax = MetadataLength(adapter, AdapterMetadata.Key.VeraDMax);
        var (a, b) = VeraProjections.Generate(config.Seed, config.Rank, kMax, dMax);
        using (a)
        using (b)
        {
            // The file's λ were trained against the projections its checksum names; other ones must not go out under them.
            if (adapter.Metadata.TryGetValue(AdapterMetadata.Key.VeraProjectionChecksum, out var recorded)
                && !string.Equals(recorded, VeraProjections.Checksum(a, b), StringComparison.OrdinalIgnoreCase))
                throw new ArgumentException($"{adapter.Path}: seed {config.Seed} regenerates VeRA projections whose checksum is not the file's '{AdapterMetadata.Key.VeraProjectionChecksum}' ({recorded}); its λ were trained against other matrices");
            var modules = new List<string>();
            long numbers = 0;
            AtomicFolder.Write(outDir, staging =>
            {
                var tensors = new List<KeyValuePair<string, Tensor>> { new(PeftNames.VeraA, a), new(PeftNames.VeraB, b) };
                numbers = a.numel() + b.numel();
                foreach (var path in adapter.MatrixPaths)
                {
                    adapter.TryGet(path, out var vectors);
                    string module = HfClipNames.ToHf(path);
                    modules.Add(module);
                    tensors.Add(new(PeftNames.VeraLambda(module, 'b'), vectors[VeraAdapter.LambdaBName].contiguous()));
                    tensors.Add(new(PeftNames.VeraLambda(module, 'd'), vectors[VeraAdapter.LambdaDName].contiguous()));
                    numbers += vectors.Values.Sum(v => v.numel());
                }
                var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    ["format"] = "pt",
                    ["blora.method"] = AdapterMethods.Format(config.Method),
                    ["blora.source"] = Path.GetFileName(adapter.Path),
                };
                SafeTensorsFile.Save(Path.Combine(staging, PeftNames.WeightsFileName), tensors, metadata);
                var json = PeftAdapterExport.CommonConfig("VERA", config, modules, baseModelName);
                json["projection_prng_key"] = config.Seed;
                json["save_projection"] = true;
                json["vera_dropout"] = config.Dropout;
                json["d_initial"] = config.VeraDInitial;
                json["init_weights"] = true;
                PeftAdapterExport.WriteConfig(staging, json);
            }, replaceNonEmpty: force);
            return new PeftAdapterExport.Result(outDir, baseModelName, modules, numbers);
        }
    }

    private static long MetadataLength(AdapterFileContents adapter, string key) =>
        adapter.Metadata.TryGetValue(key, out var text) && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long value) && value > 0
            ? value
            : throw new ArgumentException($"{adapter.Path}: a VeRA adapter records its projections' shape, but metadata '{key}' is {(text is null ? "missing" : $"'{text}'")}");
}
