using System.Globalization;
using BlockLora.Clip;

namespace BlockLora.Adapters;

/// <summary>
/// Everything that defines an adapter set before training: method, sizes, initialisation and which
/// matrices it adapts. Immutable; an ablation is <c>config with { Method = AdapterMethod.BlockLora, Blocks = 8 }</c>.
/// Defaults are CLIP-LoRA's (docs/method.md): LoRA, r = 2, alpha = 1, s = alpha/√r, dropout 0.25,
/// q/k/v of every layer of both encoders.
/// </summary>
public sealed record AdapterConfig : AdapterOptions
{
    /// <summary>LoRA or Block-LoRA. LoRA requires <see cref="AdapterOptions.Blocks"/> = 1.</summary>
    public AdapterMethod Method { get; init; } = AdapterMethod.Lora;

    /// <summary>Seed for A's initialisation; each matrix derives its own stream from it and its path, so the same seed gives the same adapter.</summary>
    public long Seed { get; init; } = 1;

    public AdapterConfig()
    {
    }

    private AdapterConfig(AdapterOptions options) : base(options)
    {
    }

    /// <summary>The config of an adapter of <paramref name="method"/> initialised from <paramref name="seed"/> with these options (how a run makes its adapter's config).</summary>
    public static AdapterConfig Of(AdapterMethod method, long seed, AdapterOptions options) => new(options) { Method = method, Seed = seed };

    /// <summary>Everything but the method and seed.</summary>
    public AdapterOptions Options => ToOptions();

    /// <summary>The scaling s applied to B·A·x.</summary>
    public double ScalingFactor => ScalingRuleNames.Factor(Scaling, Alpha, Rank);

    /// <summary>Checks what can be checked without a model; throws <see cref="ArgumentException"/> with a one-line reason.</summary>
    public void Validate()
    {
        if (Rank <= 0) throw new ArgumentException($"rank r must be positive, got r={Rank}");
        if (Method == AdapterMethod.ZeroShot) throw new ArgumentException("zero-shot has no adapter; use lora or block-lora");
        if (Blocks <= 0) throw new ArgumentException($"block count n must be positive, got n={Blocks}");
        if (Method == AdapterMethod.Lora && Blocks != 1)
            throw new ArgumentException($"LoRA has a single block (n=1), got n={Blocks}; use Block-LoRA for n > 1");
        if (Method == AdapterMethod.Vera && Blocks != 1)
            throw new ArgumentException($"VeRA has no blocks (n=1), got n={Blocks}");
        if (!double.IsFinite(Alpha)) throw new ArgumentException($"alpha must be finite, got {Alpha.ToString(CultureInfo.InvariantCulture)}");
        // DoRA's magnitude starts at the norm of the frozen weight; PiSSA replaces that weight by a residual, and neither
        // paper nor PEFT defines which norm the magnitude should then start from.
        if (Dora && Method is not (AdapterMethod.Lora or AdapterMethod.BlockLora))
            throw new ArgumentException($"--dora goes with an additive low-rank method (lora or block-lora), not {AdapterMethods.Format(Method)}: VeRA's update is a product of frozen random projections and trained scalings, and DoRA over it is not defined here");
        if (Dora && Init == AdapterInit.Pissa) throw new ArgumentException("--dora with --init pissa is not defined (DoRA's magnitude starts at the norm of W0, which PiSSA replaces by a residual); use one of them");
        if (VeraDInitial != VeraAdapter.DefaultDInitial && Method != AdapterMethod.Vera)
            throw new ArgumentException($"--vera-d-initial sets VeRA's initial λ_d; {AdapterMethods.Format(Method)} has no λ_d (use --method vera, or leave it at {VeraAdapter.DefaultDInitial.ToString(CultureInfo.InvariantCulture)})");
        // λ_b starts at 0 too, and each λ's gradient is proportional to the other: with λ_d = 0 nothing would ever train.
        if (!double.IsFinite(VeraDInitial) || VeraDInitial == 0)
            throw new ArgumentException($"vera d_initial must be finite and non-zero (λ_b starts at 0, so with λ_d = 0 neither would get a gradient), got {VeraDInitial.ToString(CultureInfo.InvariantCulture)}");
        if (!(Dropout >= 0 && Dropout < 1)) throw new ArgumentException($"dropout must be in [0, 1), got {Dropout.ToString(CultureInfo.InvariantCulture)}");
        if ((Targets & ~AdapterTargets.All) != 0) throw new ArgumentException($"unknown target flags {(int)Targets}");
        if ((Encoders & ~AdapterEncoders.Both) != 0) throw new ArgumentException($"unknown encoder flags {(int)Encoders}");
        if (!Enum.IsDefined(Method)) throw new ArgumentException($"unknown adapter method {(int)Method}");
        if (!Enum.IsDefined(Scaling)) throw new ArgumentException($"unknown scaling rule {(int)Scaling}");
        if (!Enum.IsDefined(InitFanIn)) throw new ArgumentException($"unknown init fan-in rule {(int)InitFanIn}");
        if (!Enum.IsDefined(Init)) throw new ArgumentException($"unknown adapter init {(int)Init}");
        if (Init == AdapterInit.Pissa && !(ScalingFactor > 0))
            throw new ArgumentException($"init pissa needs a positive scaling s (s·B·A is W0's top-r part), got alpha {Alpha.ToString(CultureInfo.InvariantCulture)}");
        if (Targets == AdapterTargets.None || Encoders == AdapterEncoders.None)
            throw new ArgumentException($"the adapter config matches no matrices (targets {AdapterTargetNames.Format(Targets)}, encoders {AdapterEncoderNames.Format(Encoders)})");
        if (Layers.IsPerEncoder)
        {
            // A per-encoder selection that disagrees with the encoders would adapt a tower it gives no
            // layers for, or carry layers for one it never adapts: both mean the config is not what was meant.
            foreach (var encoder in AdapterEncoderNames.Singles)
            {
                bool adapted = Encoders.HasFlag(encoder), named = Layers.For(encoder) is not null;
                string tower = AdapterEncoderNames.Format(encoder);
                if (adapted && !named)
                    throw new ArgumentException($"layers '{Layers}' give no layers for the {tower} encoder, but encoders '{AdapterEncoderNames.Format(Encoders)}' adapts it");
                if (!adapted && named)
                    throw new ArgumentException($"layers '{Layers}' give layers for the {tower} encoder, but encoders '{AdapterEncoderNames.Format(Encoders)}' leaves it unadapted");
            }
        }
    }

    /// <summary>
    /// The matrices this config adapts in a CLIP of the given sizes, vision before text, then by layer,
    /// then q, k, v, o, c_fc, c_proj. Validates against the sizes: layer indices in range, n dividing
    /// every input width (the message names the first matrix it does not divide).
    /// </summary>
    public IReadOnlyList<AdaptedMatrix> SelectMatrices(ClipConfig clip)
    {
        Validate();
        var matrices = new List<AdaptedMatrix>();
        foreach (var encoder in AdapterEncoderNames.Singles.Where(e => Encoders.HasFlag(e)))
        {
            bool vision = encoder == AdapterEncoders.Vision;
            int width = vision ? clip.VisionWidth : clip.TextWidth;
            int layerCount = vision ? clip.VisionLayers : clip.TextLayers;
            int hidden = width * clip.MlpRatio;
            string tower = AdapterEncoderNames.Format(encoder);
            foreach (int layer in Layers.Resolve(encoder, layerCount))
            {
                if (layer >= layerCount)
                    throw new ArgumentException($"layer {layer} is out of range: the {tower} encoder has {layerCount} layers (0-{layerCount - 1})");
                foreach (var target in AdapterTargetNames.Singles.Where(t => Targets.HasFlag(t)))
                {
                    var (d, k) = target switch
                    {
                        AdapterTargets.CFc => ((long)hidden, (long)width),
                        AdapterTargets.CProj => (width, hidden),
                        _ => (width, width),
                    };
                    string path = $"{AdapterEncoderNames.BlockPrefix(encoder)}{layer}.{AdapterTargetNames.ModuleSuffix(target)}";
                    if (k % Blocks != 0)
                        throw new ArgumentException($"blocks n={Blocks} does not divide the input width {k} of {path}");
                    matrices.Add(new AdaptedMatrix(path, encoder, layer, target, d, k));
                }
            }
        }
        if (matrices.Count == 0)
            throw new ArgumentException($"the adapter config matches no matrices (targets {AdapterTargetNames.Format(Targets)}, encoders {AdapterEncoderNames.Format(Encoders)}, layers {Layers})");
        return matrices;
    }
}
