using System.Globalization;
using BlockLora.Clip;

namespace BlockLora.Adapters;

/// <summary>
/// The <c>__metadata__</c> map of an adapter file (docs/method.md): the keys that define the adapter
/// (format, version, method, rank, blocks, alpha, scaling, dropout, targets, encoders, layers) plus the
/// provenance this library adds (init fan-in, seed, base fingerprint, parameter count) and any the caller adds.
/// </summary>
public static class AdapterMetadata
{
    public const string FormatName = "blora-adapter";
    public const string CurrentVersion = "1";

    /// <summary>Metadata key names.</summary>
    public static class Key
    {
        public const string Format = "format";
        public const string Version = "version";
        public const string Method = "method";
        public const string Rank = "rank";
        public const string Blocks = "blocks";
        public const string Alpha = "alpha";
        public const string Scaling = "scaling";
        public const string Dropout = "dropout";
        public const string Targets = "targets";
        public const string Encoders = "encoders";
        public const string Layers = "layers";
        public const string InitFanIn = "init_fan_in";
        public const string Seed = "seed";
        public const string BaseFingerprint = "base_fingerprint";
        public const string Parameters = "parameters";
        /// <summary>"true" when A was frozen (LoRA-FA); absent otherwise, so earlier files stay byte-identical.</summary>
        public const string FreezeA = "freeze_a";
        /// <summary>"pissa" when the base was residualised (the file then holds A0, B0); absent for the default init.</summary>
        public const string Init = "init";
        /// <summary>"true" on a DoRA file; absent otherwise, so files without DoRA stay as they were.</summary>
        public const string Dora = "dora";

        /// <summary>VeRA: the input width k_max of its shared random A [r, k_max] (the widest adapted matrix's).</summary>
        public const string VeraKMax = "vera_k_max";

        /// <summary>VeRA: the output width d_max of its shared random B [d_max, r].</summary>
        public const string VeraDMax = "vera_d_max";

        /// <summary>VeRA: the initial λ_d its λ_d started from (PEFT's d_initial); absent in earlier VeRA files, which started from 0.1.</summary>
        public const string VeraDInitial = "vera_d_initial";

        /// <summary>VeRA: FNV-1a 64 of the fp32 bytes of A then B as the seed regenerates them; a file whose seed no longer regenerates them is refused.</summary>
        public const string VeraProjectionChecksum = "vera_projection_checksum";
    }

    /// <summary>Keys this library writes; caller provenance may not reuse them.</summary>
    public static readonly IReadOnlySet<string> ReservedKeys = new HashSet<string>(
        [
            Key.Format, Key.Version, Key.Method, Key.Targets, Key.Encoders, Key.Layers, Key.InitFanIn, Key.Seed, Key.BaseFingerprint, Key.Parameters, Key.FreezeA, Key.Init, Key.Dora,
            .. AdapterMethodRegistry.All.SelectMany(r => r.MetadataKeys),
        ],
        StringComparer.Ordinal);

    public static Dictionary<string, string> From(AdapterConfig config, ClipConfig baseConfig, long parameterCount, IReadOnlyDictionary<string, string>? provenance = null)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [Key.Format] = FormatName,
            [Key.Version] = CurrentVersion,
            [Key.Method] = AdapterMethods.Format(config.Method),
            [Key.Rank] = config.Rank.ToString(CultureInfo.InvariantCulture),
            [Key.Blocks] = config.Blocks.ToString(CultureInfo.InvariantCulture),
            [Key.Alpha] = config.Alpha.ToString("R", CultureInfo.InvariantCulture),
            [Key.Scaling] = ScalingRuleNames.Format(config.Scaling),
            [Key.Dropout] = config.Dropout.ToString("R", CultureInfo.InvariantCulture),
            [Key.Targets] = AdapterTargetNames.Format(config.Targets),
            [Key.Encoders] = AdapterEncoderNames.Format(config.Encoders),
            [Key.Layers] = config.Layers.ToString(),
            [Key.InitFanIn] = InitFanInNames.Format(config.InitFanIn),
            [Key.Seed] = config.Seed.ToString(CultureInfo.InvariantCulture),
            [Key.BaseFingerprint] = BaseFingerprint.Of(baseConfig),
            [Key.Parameters] = parameterCount.ToString(CultureInfo.InvariantCulture),
        };
        if (config.FreezeA) metadata[Key.FreezeA] = "true";
        if (config.Init != AdapterInit.Kaiming) metadata[Key.Init] = AdapterInitNames.Format(config.Init);
        if (config.Dora) metadata[Key.Dora] = "true";
        if (AdapterMethodRegistry.For(config.Method).ExtraMetadata is { } extra)
            foreach (var (key, value) in extra(config, baseConfig)) metadata[key] = value;
        foreach (var (key, value) in provenance ?? new Dictionary<string, string>())
        {
            if (ReservedKeys.Contains(key)) throw new ArgumentException($"provenance key '{key}' is reserved for the adapter's own metadata");
            metadata[key] = value;
        }
        return metadata;
    }

    /// <summary>Reads the config back; throws <see cref="AdapterFileException"/> naming <paramref name="source"/> and the key at fault.</summary>
    /// <param name="tensorNames">The file's tensor names: where targets, encoders or layers are not in the
    /// metadata (method.md requires only format, version, method, rank, blocks, alpha, scaling, dropout),
    /// they are read off these names.</param>
    public static AdapterConfig ToConfig(IReadOnlyDictionary<string, string> metadata, string source, IEnumerable<string>? tensorNames = null)
    {
        if (metadata.Count == 0)
            throw new AdapterFileException($"{source}: no __metadata__ header; not a {FormatName} file");
        string format = Required(metadata, Key.Format, source);
        if (format != FormatName) throw new AdapterFileException($"{source}: metadata format is '{format}', expected '{FormatName}'");
        string version = Required(metadata, Key.Version, source);
        if (version != CurrentVersion) throw new AdapterFileException($"{source}: adapter file version '{version}' is not supported (this library reads version {CurrentVersion})");

        string methodText = Required(metadata, Key.Method, source);
        if (!AdapterMethods.TryParse(methodText, out var method) || method == AdapterMethod.ZeroShot)
            throw new AdapterFileException($"{source}: unknown method '{methodText}' (expected lora, block-lora or vera)");
        try
        {
            var config = new AdapterConfig
            {
                Method = method,
                Rank = ParseInt(metadata, Key.Rank, source),
                Blocks = ParseInt(metadata, Key.Blocks, source),
                Alpha = ParseDouble(metadata, Key.Alpha, source),
                Scaling = ScalingRuleNames.Parse(Required(metadata, Key.Scaling, source)),
                Dropout = ParseDouble(metadata, Key.Dropout, source),
                Targets = metadata.TryGetValue(Key.Targets, out var targets) ? AdapterTargetNames.Parse(targets)
                    : AdapterTensorNames.Targets(Names(tensorNames, Key.Targets, source)),
                Encoders = metadata.TryGetValue(Key.Encoders, out var encoders) ? AdapterEncoderNames.Parse(encoders)
                    : AdapterTensorNames.Encoders(Names(tensorNames, Key.Encoders, source)),
                Layers = metadata.TryGetValue(Key.Layers, out var layers) ? LayerSelection.Parse(layers)
                    : AdapterTensorNames.Layers(Names(tensorNames, Key.Layers, source)),
                // Provenance keys: optional, so files written by other tools still load.
                InitFanIn = metadata.TryGetValue(Key.InitFanIn, out var fan) ? InitFanInNames.Parse(fan) : Adapters.InitFanIn.BlockWidth,
            };
            if (metadata.TryGetValue(Key.FreezeA, out var freezeA))
                config = config with { FreezeA = bool.TryParse(freezeA, out bool frozen) ? frozen : throw new AdapterFileException($"{source}: metadata '{Key.FreezeA}' is '{freezeA}', not true or false") };
            if (metadata.TryGetValue(Key.Init, out var init)) config = config with { Init = AdapterInitNames.Parse(init) };
            if (metadata.TryGetValue(Key.Dora, out var dora))
                config = config with { Dora = dora == "true" ? true : dora == "false" ? false : throw new AdapterFileException($"{source}: metadata '{Key.Dora}' is '{dora}', not true or false") };
            if (metadata.TryGetValue(Key.Seed, out var seed)) config = config with { Seed = ParseLong(seed, Key.Seed, source) };
            if (metadata.TryGetValue(Key.VeraDInitial, out var dInitial))
                config = config with { VeraDInitial = double.TryParse(dInitial, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) ? d : throw new AdapterFileException($"{source}: metadata '{Key.VeraDInitial}' is '{dInitial}', not a number") };
            config.Validate();
            return config;
        }
        catch (ArgumentException e)
        {
            throw new AdapterFileException($"{source}: {e.Message}", e);
        }
    }

    private static IReadOnlyList<string> Names(IEnumerable<string>? tensorNames, string key, string source) =>
        tensorNames?.ToList() is { Count: > 0 } names ? names
            : throw new AdapterFileException($"{source}: metadata has no '{key}' and there are no tensors to infer it from");

    private static string Required(IReadOnlyDictionary<string, string> metadata, string key, string source) =>
        metadata.TryGetValue(key, out var value) ? value
            : throw new AdapterFileException($"{source}: metadata has no '{key}' (a {FormatName} file records {Key.Format}, {Key.Version}, {Key.Method}, {Key.Rank}, {Key.Blocks}, {Key.Alpha}, {Key.Scaling}, {Key.Dropout}; targets, encoders and layers are read off the tensor names when absent)");

    private static int ParseInt(IReadOnlyDictionary<string, string> metadata, string key, string source)
    {
        string text = Required(metadata, key, source);
        return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value) ? value
            : throw new AdapterFileException($"{source}: metadata '{key}' is '{text}', not an integer");
    }

    private static long ParseLong(string text, string key, string source) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value) ? value
            : throw new AdapterFileException($"{source}: metadata '{key}' is '{text}', not an integer");

    private static double ParseDouble(IReadOnlyDictionary<string, string> metadata, string key, string source)
    {
        string text = Required(metadata, key, source);
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) ? value
            : throw new AdapterFileException($"{source}: metadata '{key}' is '{text}', not a number");
    }
}
