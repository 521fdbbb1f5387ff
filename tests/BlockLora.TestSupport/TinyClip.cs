using BlockLora.Adapters;
using BlockLora.Checkpoints;
using BlockLora.Clip;
using static TorchSharp.torch;

namespace BlockLora.Tests.Adapters;

/// <summary>Small CLIPs with seeded random weights, inputs for them, and comparisons, for the adapter tests.</summary>
public static class TinyClip
{
    public static string FixtureDirectory => Path.Combine(AppContext.BaseDirectory, "fixtures", "clip-tiny");

    /// <summary>The clip-tiny fixture: vision 128 wide × 2 layers (patch 8, 32 px), text 64 wide × 2 layers.</summary>
    public static ClipModel LoadFixture() => ClipCheckpoint.Load(Path.Combine(FixtureDirectory, "openai.safetensors"));

    public static ClipConfig Config(int visionWidth = 32, int visionLayers = 2, int textWidth = 16, int textLayers = 2, int heads = 2, int mlpRatio = 4) => new()
    {
        EmbedDim = 16,
        ImageResolution = 16,
        PatchSize = 8,
        VisionLayers = visionLayers,
        VisionWidth = visionWidth,
        VisionHeads = heads,
        ContextLength = 8,
        VocabSize = 64,
        TextWidth = textWidth,
        TextHeads = heads,
        TextLayers = textLayers,
        MlpRatio = mlpRatio,
    };

    /// <summary>A model whose every parameter is drawn from a generator seeded with <paramref name="seed"/> (the constructor leaves projections at zero).</summary>
    public static ClipModel Create(ClipConfig config, ulong seed = 7)
    {
        var model = new ClipModel(config);
        using var generator = new Generator(seed);
        using var _ = no_grad();
        foreach (var (name, parameter) in model.named_parameters())
        {
            using var noise = randn(parameter.shape, generator: generator);
            bool isNormWeight = name.EndsWith(".weight", StringComparison.Ordinal) && name.Contains("ln_", StringComparison.Ordinal);
            double scale = parameter.ndim >= 2 ? 1 / Math.Sqrt(parameter.shape[^1]) : 0.1;
            if (name == "logit_scale") continue;
            using var value = isNormWeight ? noise * 0.1 + 1 : noise * scale;
            parameter.copy_(value);
        }
        model.eval();
        return model;
    }

    public static Tensor Pixels(ClipConfig config, int batch = 2, ulong seed = 11)
    {
        using var generator = new Generator(seed);
        return randn([batch, 3, config.ImageResolution, config.ImageResolution], generator: generator);
    }

    /// <summary>Token rows whose end-of-text (the largest id, as CLIP's argmax pooling needs) sits at different positions.</summary>
    public static Tensor Tokens(ClipConfig config, int batch = 3, ulong seed = 13)
    {
        using var generator = new Generator(seed);
        var tokens = randint(1, config.VocabSize - 1, [batch, config.ContextLength], dtype: ScalarType.Int64, generator: generator);
        for (int row = 0; row < batch; row++)
        {
            int eot = 1 + row * 2 % (config.ContextLength - 1);
            using var rowView = tokens[row];
            using (var cell = rowView[eot]) cell.fill_(config.VocabSize - 1);
            if (eot + 1 < config.ContextLength)
                using (var tail = rowView.narrow(0, eot + 1, config.ContextLength - eot - 1)) tail.fill_(0);
        }
        return tokens;
    }

    /// <summary>Gives every adapter random A and B (B is zero after init, which would make every equivalence trivial).</summary>
    public static void Randomize(AdapterSet set, ulong seed = 17, double scale = 0.5)
    {
        using var generator = new Generator(seed);
        using var _ = no_grad();
        foreach (var (_, parameter) in set.NamedParameters())
        {
            using var noise = randn(parameter.shape, generator: generator);
            using var scaled = noise * scale;
            parameter.copy_(scaled);
        }
    }

    /// <summary>max|actual − expected| / max|expected|.</summary>
    public static double RelativeError(Tensor actual, Tensor expected)
    {
        using var scope = NewDisposeScope();
        double diff = (actual.to(ScalarType.Float64) - expected.to(ScalarType.Float64)).abs().max().item<double>();
        double size = expected.to(ScalarType.Float64).abs().max().item<double>();
        return diff / Math.Max(size, 1e-30);
    }

    /// <summary>Every model parameter cloned, by name, to compare bit for bit later.</summary>
    public static Dictionary<string, Tensor> Snapshot(ClipModel model)
    {
        var copy = new Dictionary<string, Tensor>();
        foreach (var (name, parameter) in model.named_parameters())
        {
            var clone = parameter.detach().clone();
            clone.DetachFromDisposeScope();
            copy[name] = clone;
        }
        return copy;
    }

    /// <summary>The names of parameters that are not bit-identical to the snapshot.</summary>
    public static List<string> ChangedSince(ClipModel model, IReadOnlyDictionary<string, Tensor> snapshot) =>
        model.named_parameters().Where(p => !BitIdentical(p.parameter, snapshot[p.name])).Select(p => p.name).ToList();

    /// <summary>Same dtype, shape and bytes (stricter than torch.equal: tells −0 from +0).</summary>
    public static bool BitIdentical(Tensor a, Tensor b)
    {
        if (a.dtype != b.dtype || !a.shape.SequenceEqual(b.shape)) return false;
        using var ca = a.detach().cpu().contiguous();
        using var cb = b.detach().cpu().contiguous();
        return ca.bytes.SequenceEqual(cb.bytes);
    }

    public static void Dispose(Dictionary<string, Tensor> snapshot)
    {
        foreach (var t in snapshot.Values) t.Dispose();
    }
}
