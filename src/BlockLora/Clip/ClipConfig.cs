namespace BlockLora.Clip;

/// <summary>
/// Sizes of an OpenAI-style CLIP ViT. Immutable; a checkpoint's config is inferred from its weights
/// (see <see cref="Checkpoints.ClipConfigInference"/>) the way OpenAI's <c>build_model</c> does.
/// </summary>
public sealed record ClipConfig
{
    public required int EmbedDim { get; init; }
    public required int ImageResolution { get; init; }
    public required int VisionLayers { get; init; }
    public required int VisionWidth { get; init; }
    /// <summary>OpenAI derives heads as width / 64; HF configs state them.</summary>
    public required int VisionHeads { get; init; }
    public required int PatchSize { get; init; }
    public required int ContextLength { get; init; }
    public required int VocabSize { get; init; }
    public required int TextWidth { get; init; }
    public required int TextHeads { get; init; }
    public required int TextLayers { get; init; }
    /// <summary>Hidden width of the MLP as a multiple of the model width (4 in every released CLIP).</summary>
    public int MlpRatio { get; init; } = 4;

    public int GridSize => ImageResolution / PatchSize;

    /// <summary>OpenAI ViT-B/16, for benchmarks and parameter accounting without weights.</summary>
    public static ClipConfig VitB16 => new()
    {
        EmbedDim = 512,
        ImageResolution = 224,
        VisionLayers = 12,
        VisionWidth = 768,
        VisionHeads = 12,
        PatchSize = 16,
        ContextLength = 77,
        VocabSize = 49408,
        TextWidth = 512,
        TextHeads = 8,
        TextLayers = 12,
    };

    /// <summary>Throws with a message naming the offending size when the config cannot build a model.</summary>
    public void Validate()
    {
        void Positive(int value, string name) { if (value <= 0) throw new ArgumentException($"{name} must be positive, got {value}"); }
        Positive(EmbedDim, nameof(EmbedDim)); Positive(ImageResolution, nameof(ImageResolution));
        Positive(VisionLayers, nameof(VisionLayers)); Positive(VisionWidth, nameof(VisionWidth));
        Positive(VisionHeads, nameof(VisionHeads)); Positive(PatchSize, nameof(PatchSize));
        Positive(ContextLength, nameof(ContextLength)); Positive(VocabSize, nameof(VocabSize));
        Positive(TextWidth, nameof(TextWidth)); Positive(TextHeads, nameof(TextHeads)); Positive(TextLayers, nameof(TextLayers));
        if (VisionWidth % VisionHeads != 0) throw new ArgumentException($"vision width {VisionWidth} is not divisible by {VisionHeads} heads");
        if (TextWidth % TextHeads != 0) throw new ArgumentException($"text width {TextWidth} is not divisible by {TextHeads} heads");
        if (ImageResolution % PatchSize != 0) throw new ArgumentException($"resolution {ImageResolution} is not a multiple of patch {PatchSize}");
    }
}
