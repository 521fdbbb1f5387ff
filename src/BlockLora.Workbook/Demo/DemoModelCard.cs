using System.Globalization;
using System.Text;
using BlockLora.Experiments;
using BlockLora.IO;

namespace BlockLora.Workbook.Demo;

/// <summary>
/// Writes the demo checkpoint's model card (what it was trained on, which classes it never saw, the
/// command, time, seed and loss) and copies the data package's licence beside it.
/// </summary>
public static class DemoModelCard
{
    public static void Write(string directory, ContrastivePretrainConfig config, PretrainResult result, string command)
    {
        var c = config.Clip;
        var seen = config.SeenClasses.Select(i => FashionMnist.ClassNames[i]).ToList();
        var heldOut = Enumerable.Range(0, FashionMnist.ClassNames.Count).Where(i => !config.SeenClasses.Contains(i)).Select(i => FashionMnist.ClassNames[i]).ToList();
        string F(double v, string format = "F4") => v.ToString(format, CultureInfo.InvariantCulture);
        var card = new StringBuilder();
        card.AppendLine("# Demo CLIP (Fashion-MNIST, pretrained by this project)").AppendLine();
        card.AppendLine($"`{DemoModel.FileName}`: an OpenAI-layout CLIP ViT (same `ClipModel` classes as ViT-B/16) pretrained from scratch")
            .AppendLine("by `blora demo --pretrain` for the embedded demo. It exists so that few-shot adaptation can be shown on real images, on a")
            .AppendLine("fresh machine, in minutes, on classes the model has provably never seen. It is a toy: do not use it for anything else.").AppendLine();
        card.AppendLine("| | |").AppendLine("|---|---|");
        card.AppendLine($"| architecture | vision: width {c.VisionWidth}, {c.VisionLayers} layers, {c.VisionHeads} heads, patch {c.PatchSize}, {c.ImageResolution}×{c.ImageResolution} input; text: width {c.TextWidth}, {c.TextLayers} layers, {c.TextHeads} heads, context {c.ContextLength}, vocabulary {c.VocabSize} (OpenAI's BPE); embedding {c.EmbedDim} |");
        card.AppendLine($"| storage | fp16 safetensors, OpenAI key names (q/k/v fused in `in_proj_weight`), {result.CheckpointBytes / 1e6:F1} MB; the loader upcasts to fp32 |");
        card.AppendLine($"| data | Fashion-MNIST train split (Zalando Research, MIT; Debian package `{FashionMnist.DebianPackage}`), images of the seen classes only: {result.TrainImages:N0} images, grey 28×28 replicated to RGB, CLIP mean/std |");
        card.AppendLine($"| seen classes | {string.Join(", ", seen)} |");
        card.AppendLine($"| held out (never seen: no images, no caption words) | {string.Join(", ", heldOut)} |");
        card.AppendLine($"| captions | {FashionCaptions.Templates.Count} templates (\"a photo of a {{}}.\", \"a picture of a {{}}\", \"a {{}} on a plain background\", …) × 4 synonyms per class (\"pullover\", \"sweater\", \"jumper\", …), one drawn per image per step |");
        card.AppendLine($"| objective | symmetric InfoNCE (CLIP), learnable logit scale clamped at {F(config.MaxLogitScale, "F0")} (final {F(result.FinalLogitScale, "F1")}) |");
        card.AppendLine($"| optimiser | AdamW lr {F(config.LearningRate, "G")} (β {F(config.Beta1, "G")}/{F(config.Beta2, "G")}, ε {F(config.Epsilon, "G")}), weight decay {F(config.WeightDecay, "G")} on matrices, {config.WarmupSteps} warm-up steps then cosine to {F(config.MinLearningRate, "G")} |");
        card.AppendLine($"| steps | {result.Steps} × batch {config.BatchSize} ({F(result.Steps * (double)config.BatchSize / result.TrainImages, "F1")} epochs); augmentation: random zoom 0.85–1.15, shift ±10 %, mirror |");
        card.AppendLine($"| seed | {config.Seed} (initialisation, batch order, captions, augmentation) |");
        card.AppendLine($"| final loss | {F(result.FinalLoss)} (mean of the last 20 steps; ln(batch) = {F(Math.Log(config.BatchSize), "F2")} at chance) |");
        card.AppendLine($"| zero-shot, Fashion-MNIST test, seen classes | {F(result.SeenTestAccuracy, "F1")} % ({seen.Count}-way, \"a photo of a {{}}.\") |");
        card.AppendLine($"| zero-shot, Fashion-MNIST test, held-out classes | {F(result.HeldOutZeroShotAccuracy, "F1")} % ({heldOut.Count}-way; chance {F(100.0 / Math.Max(1, heldOut.Count), "F1")} %) |");
        card.AppendLine($"| wall time | {F(result.Seconds / 60, "F1")} min on {Environment.ProcessorCount} CPU cores ({(string.IsNullOrEmpty(GitInfo.Commit) ? "" : "commit " + GitInfo.Commit + ", ")}{DateTime.UtcNow:yyyy-MM-dd}) |");
        card.AppendLine().AppendLine("Reproduce (deterministic for a given machine and libtorch build; thread counts can change the last bits):").AppendLine();
        card.AppendLine("```bash").AppendLine(command).AppendLine("```").AppendLine();
        card.AppendLine($"Data licence: `{DemoModel.DataLicenceName}` (the copyright file of Debian's `{FashionMnist.DebianPackage}`); the weights are derived from that data.");
        AtomicFile.WriteAllText(Path.Combine(directory, DemoModel.ModelCardName), card.ToString());
        if (File.Exists(FashionMnist.CopyrightFile))
            File.Copy(FashionMnist.CopyrightFile, Path.Combine(directory, DemoModel.DataLicenceName), overwrite: true);
    }
}
