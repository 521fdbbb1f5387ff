using BlockLora.Adapters;

namespace BlockLora.Interop;

/// <summary>
/// Which residual blocks CLIP-LoRA adapts for each <c>--position</c>, as listed in its
/// <c>loralib/utils.py</c> (<c>INDEX_POSITIONS_TEXT</c>, <c>INDEX_POSITIONS_VISION</c>). Its
/// <c>apply_lora</c> walks <c>enumerate(resblocks)</c> and adapts block i when i is in the list, text
/// encoder first, then vision; <c>save_lora</c> numbers the adapted blocks <c>layer_0…</c> in that
/// walk order. So the tables are literal: 'all' means blocks 0–11 of the text encoder even on a model
/// with more, and indices past the last block select nothing.
/// </summary>
internal static class ClipLoraPositions
{
    private static int[] Range(int from, int toInclusive) => Enumerable.Range(from, toInclusive - from + 1).ToArray();

    private static readonly Dictionary<string, int[]> Text = new()
    {
        ["top1"] = [11],
        ["top2"] = [10, 11],
        ["top3"] = [9, 10, 11],
        ["bottom"] = Range(0, 3),
        ["mid"] = Range(4, 7),
        ["up"] = Range(8, 11),
        ["half-up"] = Range(6, 11),
        ["half-bottom"] = Range(0, 5),
        ["all"] = Range(0, 11),
    };

    // CLIP-LoRA keys this table by backbone name ('ViT-B/16'); ViT-B/32's table is the B/16 one minus
    // 'top' and 'top3', so the B/16 table serves every 12-layer vision tower (a B/32 file cannot
    // contain those positions: CLIP-LoRA would have failed before saving it).
    private static readonly Dictionary<string, int[]> Vision12 = new()
    {
        ["top"] = [11],
        ["top3"] = [9, 10, 11],
        ["bottom"] = Range(0, 3),
        ["mid"] = Range(4, 7),
        ["up"] = Range(8, 11),
        ["half-up"] = Range(6, 11),
        ["half-bottom"] = Range(0, 5),
        ["all"] = Range(0, 11),
    };

    // ViT-L/14 (24 vision blocks).
    private static readonly Dictionary<string, int[]> Vision24 = new()
    {
        ["half-up"] = Range(12, 23),
        ["half-bottom"] = Range(0, 11),
        ["all"] = Range(0, 23),
    };

    /// <summary>Adapted text blocks in CLIP-LoRA's order, or null when CLIP-LoRA has no such position for text.</summary>
    public static int[]? TextBlocks(string position, int layers) =>
        Text.TryGetValue(position, out var indices) ? indices.Where(i => i < layers).ToArray() : null;

    /// <summary>Adapted vision blocks, choosing CLIP-LoRA's table by the tower's depth; null when it has no such position.</summary>
    public static int[]? VisionBlocks(string position, int layers) =>
        (layers == 24 ? Vision24 : Vision12).TryGetValue(position, out var indices) ? indices.Where(i => i < layers).ToArray() : null;

    /// <summary>
    /// CLIP-LoRA's <c>--position</c> as this project's layer selection, for what <c>apply_lora</c> adapts on towers of
    /// these depths: only the adapted towers' tables are consulted (as CLIP-LoRA looks up only those), a tower given
    /// every block is <c>all</c>, and the towers share one selection when they get the same blocks, so ViT-B/16's
    /// <c>half-up</c> is <c>6-11</c> and ViT-L/14's is <c>text:6-11;vision:12-23</c>.
    /// </summary>
    /// <exception cref="ArgumentException">A position CLIP-LoRA lacks for an adapted tower, or one selecting none of its blocks.</exception>
    public static LayerSelection Selection(string position, AdapterEncoders encoders, int textLayers, int visionLayers)
    {
        LayerSelection? Tower(int[]? blocks, string tower, int layers, IEnumerable<string> known)
        {
            if (blocks is null)
                throw new ArgumentException($"position '{position}' is not one CLIP-LoRA defines for a {layers}-layer {tower} encoder ({string.Join(", ", known)})");
            if (blocks.Length == 0)
                throw new ArgumentException($"position '{position}' selects no block of a {layers}-layer {tower} encoder");
            return blocks.Length == layers ? LayerSelection.All : LayerSelection.Of(blocks);
        }
        var text = encoders.HasFlag(AdapterEncoders.Text) ? Tower(TextBlocks(position, textLayers), "text", textLayers, TextPositions) : null;
        var vision = encoders.HasFlag(AdapterEncoders.Vision) ? Tower(VisionBlocks(position, visionLayers), "vision", visionLayers, VisionPositions(visionLayers)) : null;
        if (text is null || vision is null) return text ?? vision ?? throw new ArgumentException("no encoder is adapted");
        return LayerSelection.PerEncoder(text, vision);
    }

    public static IEnumerable<string> TextPositions => Text.Keys;

    public static IEnumerable<string> VisionPositions(int layers) => (layers == 24 ? Vision24 : Vision12).Keys;
}
