using System.Globalization;
using System.Text;
using BlockLora.Adapters;
using BlockLora.Clip;

namespace BlockLora.Onnx;

/// <summary><c>model-card.md</c> of an export: the base, the adapter with its config and run, the accuracy the run recorded, the classes and prompts, the files.</summary>
public static class OnnxModelCard
{
    public static string Write(OnnxExportRequest request, ClipConfig clip, AdapterFileSummary? adapter, AdapterRun? run,
        ExportClasses classes, IReadOnlyList<string> templates, IReadOnlyList<(string File, long Bytes)> files)
    {
        var text = new StringBuilder();
        string Line(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
        text.AppendLine(Line($"# {Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(request.OutputFolder)))}: CLIP few-shot classifier for ONNX Runtime"));
        text.AppendLine();
        text.AppendLine(Line($"Exported by `blora export onnx` (opset {OnnxGraph.Opset}, standard operators only, dynamic batch axis, {(request.Precision == OnnxPrecision.Fp16 ? "fp16 weights: matrix products in fp16, LayerNorm and the cosine head in fp32" : "fp32 weights")})."));
        text.AppendLine();
        text.AppendLine("## Base");
        text.AppendLine(Line($"- checkpoint: `{Path.GetFileName(Path.TrimEndingDirectorySeparator(request.ModelPath))}`"));
        text.AppendLine(Line($"- ViT: {clip.VisionLayers} layers × {clip.VisionWidth} wide, patch {clip.PatchSize}, {clip.ImageResolution} px; text: {clip.TextLayers} layers × {clip.TextWidth} wide, context {clip.ContextLength}; embedding {clip.EmbedDim}"));
        text.AppendLine(Line($"- fingerprint: `{BaseFingerprint.Of(clip)}`"));
        text.AppendLine();
        text.AppendLine("## Adapter");
        if (adapter is null) text.AppendLine("- none: the base model's weights (zero-shot)");
        else
        {
            text.AppendLine(Line($"- file: `{Path.GetFileName(adapter.Path)}`, merged into the weights of both towers (no added latency)"));
            foreach (var (field, value) in adapter.Fields().Where(f => f.Field != "file")) text.AppendLine(Line($"- {field}: {value}"));
        }
        text.AppendLine();
        text.AppendLine("## Run and recorded accuracy");
        var report = run?.Evaluation(classes.Dataset?.Name ?? run.Dataset);
        if (run is null) text.AppendLine("- not from a run folder: no run id or recorded accuracy");
        else
        {
            text.AppendLine(Line($"- run id: `{run.RunId}` (`config.json` beside the adapter)"));
            text.AppendLine(report is null ? "- recorded accuracy: none saved for this dataset"
                : Line($"- recorded accuracy: top-1 {report.Top1:F2} % on {report.Dataset} ({report.Images} test images, mean per class {report.MeanPerClass:F2} %)"));
        }
        text.AppendLine();
        text.AppendLine("## Classes and prompts");
        text.AppendLine(Line($"- {classes.Names.Count} classes ({OnnxExportFiles.Classes}, label order){(classes.Dataset is null ? "" : $" of {classes.Dataset.Name}")}"));
        text.AppendLine(Line($"- prompt template{(templates.Count > 1 ? "s (averaged)" : "")}: {string.Join(", ", templates.Select(t => $"`{t}`"))}"));
        text.AppendLine();
        text.AppendLine("## Files");
        foreach (var (file, bytes) in files) text.AppendLine(Line($"- `{file}`: {Size(bytes)}"));
        text.AppendLine();
        text.AppendLine(Line($"- `{OnnxExportFiles.Classifier}`: `{ClipOnnxGraphs.PixelsInput}` float32 [N, 3, {clip.ImageResolution}, {clip.ImageResolution}] → `{ClipOnnxGraphs.LogitsOutput}` float32 [N, {classes.Names.Count}]"));
        text.AppendLine(Line($"- `{OnnxExportFiles.ImageEncoder}`: `{ClipOnnxGraphs.PixelsInput}` → `{ClipOnnxGraphs.ImageFeaturesOutput}` float32 [N, {clip.EmbedDim}], unnormalised"));
        text.AppendLine(Line($"- `{OnnxExportFiles.TextEncoder}`: `{ClipOnnxGraphs.TokensInput}` int64 [N, {clip.ContextLength}] (CLIP BPE ids) → `{ClipOnnxGraphs.TextFeaturesOutput}` float32 [N, {clip.EmbedDim}], unnormalised"));
        text.AppendLine(Line($"- pixels are made as `{OnnxExportFiles.Preprocess}` says"));
        return text.ToString();
    }

    private static string Size(long bytes) => bytes >= 1_000_000
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e6:F1} MB")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e3:F1} kB");
}
