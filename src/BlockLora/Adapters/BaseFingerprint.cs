using System.Globalization;
using BlockLora.Clip;

namespace BlockLora.Adapters;

/// <summary>
/// A readable summary of a CLIP's sizes (not its weights), stored in adapter files so a reader can
/// tell which base an adapter was trained for, e.g.
/// <c>vision=768x12h12/p16/224;text=512x12h8/ctx77/vocab49408;embed=512;mlp=4</c>.
/// Two bases with equal fingerprints accept the same adapters; the file's shapes are still what is checked.
/// </summary>
public static class BaseFingerprint
{
    public static string Of(ClipConfig clip) => string.Create(CultureInfo.InvariantCulture,
        $"vision={clip.VisionWidth}x{clip.VisionLayers}h{clip.VisionHeads}/p{clip.PatchSize}/{clip.ImageResolution};" +
        $"text={clip.TextWidth}x{clip.TextLayers}h{clip.TextHeads}/ctx{clip.ContextLength}/vocab{clip.VocabSize};" +
        $"embed={clip.EmbedDim};mlp={clip.MlpRatio}");
}
