using BlockLora.Torch;
using TorchSharp.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace BlockLora.Clip;

/// <summary>
/// OpenAI's CLIP ViT. Module and parameter names equal OpenAI's state-dict keys (q/k/v split out of
/// <c>in_proj_weight</c>), so a checkpoint loads by a key map. <see cref="EncodeImage"/> and
/// <see cref="EncodeText"/> return unnormalised features, as OpenAI's do.
/// </summary>
public sealed class ClipModel : nn.Module<Tensor, Tensor, (Tensor LogitsPerImage, Tensor LogitsPerText)>
{
    public const long EndOfTextToken = 49407;

    private readonly VisionTransformer visual;
    private readonly Transformer transformer;
    private readonly Embedding token_embedding;
    private readonly Parameter positional_embedding;
    private readonly ClipLayerNorm ln_final;
    private readonly Parameter text_projection;
    private Parameter logit_scale;

    public ClipModel(ClipConfig config) : base(nameof(ClipModel))
    {
        config.Validate();
        Config = config;
        visual = new VisionTransformer(config);
        transformer = new Transformer(config.TextWidth, config.TextLayers, config.TextHeads, config.MlpRatio, causal: true);
        token_embedding = nn.Embedding(config.VocabSize, config.TextWidth);
        positional_embedding = new Parameter(zeros(config.ContextLength, config.TextWidth));
        ln_final = new ClipLayerNorm(config.TextWidth);
        text_projection = new Parameter(zeros(config.TextWidth, config.EmbedDim));
        logit_scale = new Parameter(tensor(MathF.Log(1f / 0.07f)));
        RegisterComponents();
    }

    public ClipConfig Config { get; }
    public VisionTransformer Visual => visual;
    public Transformer TextTransformer => transformer;
    public Parameter LogitScale => logit_scale;

    /// <summary>Every adaptable projection, keyed by its OpenAI module path (e.g. <c>visual.transformer.resblocks.0.attn.q_proj</c>).</summary>
    public IEnumerable<(string Path, AdaptableLinear Slot)> AdaptableSlots() =>
        named_modules().Where(m => m.module is AdaptableLinear).Select(m => (m.name, (AdaptableLinear)m.module));

    /// <summary>
    /// The dtype the frozen weights are held and the matmuls run in: fp32 (as loaded), or bf16/fp16 after
    /// <see cref="CastWeights"/>. LayerNorm parameters and the logit scale stay fp32 whatever it is.
    /// </summary>
    public ScalarType ComputeDType { get; private set; } = ScalarType.Float32;

    /// <summary>
    /// Holds the weights in <paramref name="dtype"/> from now on: cast once here, never per step (the autocast that
    /// TorchSharp 0.107 lacks, done as OpenAI's fp16 CLIP does it). LayerNorm weights and <c>logit_scale</c> stay fp32;
    /// adapters are not the model's parameters and keep their fp32 master weights. Casting back up does not restore
    /// the bits a narrower dtype dropped: load the checkpoint again for another precision.
    /// </summary>
    public void CastWeights(ScalarType dtype)
    {
        if (dtype is not (ScalarType.Float32 or ScalarType.BFloat16 or ScalarType.Float16))
            throw new ArgumentException($"{dtype} is not a compute dtype (use float32, bfloat16 or float16)");
        if (AdaptableSlots().Any(s => s.Slot.IsMerged)) throw new InvalidOperationException("unmerge the adapters before casting the base weights");
        this.to(dtype);
        ComputeDType = dtype;
    }

    // Module.to(dtype) would cast the logit scale too; exp(bf16(4.6052)) is 98.9, not 100, so it is put back in fp32.
    protected override nn.Module _to(ScalarType dtype, bool non_blocking)
    {
        float scale = logit_scale.to(ScalarType.Float32).item<float>();
        base._to(dtype, non_blocking);
        if (logit_scale.dtype == ScalarType.Float32) return this;
        var kept = new Parameter(tensor(scale, device: logit_scale.device), logit_scale.requires_grad);
        logit_scale = kept;
        ConditionallyRegisterParameter("logit_scale", kept);
        return this;
    }

    /// <summary>Parameters that stay fp32 in every precision: LayerNorm gains and shifts, and the logit scale.</summary>
    public static bool KeepsFp32(string parameterName) =>
        parameterName == "logit_scale" || parameterName.Split('.') is var parts && parts.Length >= 2 && parts[^2].StartsWith("ln_", StringComparison.Ordinal);

    /// <summary>Image features [B, embed] in fp32, whatever <see cref="ComputeDType"/> is.</summary>
    public Tensor EncodeImage(Tensor pixels)
    {
        if (pixels.dtype == ComputeDType) return WidenToFp32(visual.forward(pixels));
        using var cast = pixels.to(ComputeDType);
        return WidenToFp32(visual.forward(cast));
    }

    public Tensor EncodeText(Tensor tokens) => EncodeText(tokens, truncateAtEndOfText: true);

    /// <param name="truncateAtEndOfText">
    /// False runs the transformer over all context positions, as OpenAI's code does; it exists so tests
    /// and the benchmark can show the cut is exact and what it saves.
    /// </param>
    public Tensor EncodeText(Tensor tokens, bool truncateAtEndOfText)
    {
        using var scope = NewDisposeScope();
        // The causal mask means positions after the last end-of-text token never influence it, so the
        // sequence can be cut there: exact, and most prompts are far shorter than 77 tokens.
        var eot = tokens.argmax(-1);
        long used = truncateAtEndOfText ? eot.max().item<long>() + 1 : tokens.shape[1];
        var cut = tokens.narrow(1, 0, used);
        var x = KeptScalars.Add(token_embedding.forward(cut), positional_embedding.narrow(0, 0, used));
        // Only each prompt's end-of-text position is read, so the last block computes only that row (exact;
        // see Transformer.ForwardAt); ln_final is per position, so it can follow the selection.
        x = transformer.ForwardAt(x, eot.to(x.device).unsqueeze(1));
        var pooled = ln_final.forward(x.select(1, 0));
        return WidenToFp32(pooled.matmul(text_projection)).MoveToOuterDisposeScope();
    }

    // Features leave the model in fp32, so normalisation, logits and the loss are fp32 in every precision (autocast's
    // rule for norms, softmax and cross-entropy).
    private static Tensor WidenToFp32(Tensor features)
    {
        if (features.dtype == ScalarType.Float32) return features;
        using (features) return features.to(ScalarType.Float32);
    }

    /// <summary><c>exp(logit_scale)</c> times the cosine similarity of image and text features.</summary>
    public Tensor Logits(Tensor imageFeatures, Tensor textFeatures)
    {
        using var scope = NewDisposeScope();
        var img = L2.Normalize(imageFeatures);
        var txt = L2.Normalize(textFeatures);
        return (logit_scale.exp() * img.matmul(txt.t())).MoveToOuterDisposeScope();
    }

    public override (Tensor LogitsPerImage, Tensor LogitsPerText) forward(Tensor pixels, Tensor tokens)
    {
        using var image = EncodeImage(pixels);
        using var text = EncodeText(tokens);
        var perImage = Logits(image, text);
        return (perImage, perImage.t());
    }
}
