using BlockLora.Clip;

namespace BlockLora.Workbook.Demo;

/// <summary>
/// The small CLIP the project pretrains itself for the demo: the same <see cref="ClipModel"/> classes as
/// ViT-B/16 at a size that trains on two CPU cores in minutes. Widths of 128 keep block counts
/// n = 1, 2, 4, 8, … valid; heads are width / 64, the rule the OpenAI loader infers them by. Patches
/// of 7 pixels (a 4 × 4 grid on the 28-pixel images) rather than 4 cut the vision tokens from 50 to 17,
/// which made a training step 3–5× faster on two cores at a small cost in accuracy. The
/// 49,408-token embedding stays, so the project's tokenizer works unchanged; it is most of the
/// parameters, hence the checkpoint is stored in fp16.
/// </summary>
public static class DemoModel
{
    public const string FileName = "clip-fashion-tiny.safetensors";
    public const string ModelCardName = "MODEL_CARD.md";
    public const string DataLicenceName = "LICENSE-fashion-mnist.txt";

    public static ClipConfig Config { get; } = new()
    {
        EmbedDim = 128,
        ImageResolution = 28,
        PatchSize = 7,
        VisionLayers = 4,
        VisionWidth = 128,
        VisionHeads = 2,
        ContextLength = 77,
        VocabSize = 49408,
        TextWidth = 128,
        TextHeads = 2,
        TextLayers = 3,
    };

    /// <summary>The committed checkpoint as the build copies it next to the assemblies (see BlockLora.Workbook.csproj).</summary>
    public static string BundledPath => Path.Combine(AppContext.BaseDirectory, "demo-model", FileName);
}
