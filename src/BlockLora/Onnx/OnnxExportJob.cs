using System.Globalization;
using BlockLora.Adapters;
using BlockLora.Checkpoints;
using BlockLora.Evaluation;
using BlockLora.IO;
using BlockLora.Text;
using BlockLora.Torch;
using static TorchSharp.torch;

namespace BlockLora.Onnx;

/// <summary>
/// What <c>blora export onnx</c> runs: load the CLIP (fp32), merge the adapter, embed the classes' prompts, and write the
/// classifier, both encoders, <c>preprocess.json</c>, <c>classes.txt</c> and <c>model-card.md</c> into one folder, all or
/// nothing. Every input is read and checked before anything is written, so a bad one leaves no folder behind.
/// </summary>
public static class OnnxExportJob
{
    public static OnnxExportResult Run(OnnxExportRequest request)
    {
        string output = Path.TrimEndingDirectorySeparator(request.OutputFolder);
        if (File.Exists(output)) throw new IOException($"{output}: exists and is a file, not a folder");
        if (Directory.Exists(output) && !request.Force) throw new IOException($"{output}: folder exists (pass --force to replace it)");
        foreach (var template in request.Templates) PromptTemplate.Validate(template);
        var classes = ExportClasses.Read(request);
        var adapterSummary = request.AdapterPath is { } path ? AdapterFile.Describe(path) : null;
        var run = request.AdapterPath is { } adapterPath ? AdapterRun.Of(adapterPath) : null;
        IReadOnlyList<string> templates = request.Templates.Count > 0 ? request.Templates : [classes.DefaultTemplate(run, request.AdapterPath is not null)];

        using var model = ClipCheckpoint.Load(request.ModelPath);
        model.eval();
        RequireSameBase(request, adapterSummary, model.Config);
        using var adapters = request.AdapterPath is { } file ? AdapterFile.Load(file, model) : null;
        adapters?.MergeAll();
        using var classEmbeddings = ClassEmbeddings(model, classes.Names, templates);
        var graphs = new (string File, OnnxGraph Graph)[]
        {
            (OnnxExportFiles.Classifier, ClipOnnxGraphs.Classifier(model, classEmbeddings, request.Precision)),
            (OnnxExportFiles.ImageEncoder, ClipOnnxGraphs.ImageEncoder(model, request.Precision)),
            (OnnxExportFiles.TextEncoder, ClipOnnxGraphs.TextEncoder(model, request.Precision)),
        };
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["base"] = Path.GetFileName(Path.TrimEndingDirectorySeparator(request.ModelPath)),
            ["base_fingerprint"] = BaseFingerprint.Of(model.Config),
            ["adapter"] = request.AdapterPath is null ? "" : Path.GetFileName(request.AdapterPath),
            ["run_id"] = run?.RunId ?? "",
            ["precision"] = request.Precision == OnnxPrecision.Fp16 ? "fp16" : "fp32",
        };

        var files = new List<(string File, long Bytes)>();
        AtomicFolder.Write(output, staging =>
        {
            foreach (var (name, graph) in graphs)
                foreach (var written in OnnxModelFile.Write(graph, Path.Combine(staging, name), $"blora export onnx: {name}", metadata))
                    files.Add((Path.GetFileName(written), new FileInfo(written).Length));
            PreprocessFile.For(model.Config.ImageResolution).Save(Path.Combine(staging, OnnxExportFiles.Preprocess));
            AtomicFile.WriteAllText(Path.Combine(staging, OnnxExportFiles.Classes), string.Join("\n", classes.Names) + "\n");
            foreach (var name in new[] { OnnxExportFiles.Preprocess, OnnxExportFiles.Classes })
                files.Add((name, new FileInfo(Path.Combine(staging, name)).Length));
            AtomicFile.WriteAllText(Path.Combine(staging, OnnxExportFiles.ModelCard),
                OnnxModelCard.Write(request, model.Config, adapterSummary, run, classes, templates, files));
        }, replaceNonEmpty: request.Force);
        return new OnnxExportResult(Path.GetFullPath(output), files, classes.Names.Count, templates);
    }

    /// <summary>
    /// [classes, embed], unit rows: each template's normalised text features (<see cref="Evaluator.ClassifierWeights"/>,
    /// what evaluation scores with), averaged over templates and normalised again (CLIP's prompt ensembling); one template
    /// gives evaluation's weights exactly.
    /// </summary>
    public static Tensor ClassEmbeddings(Clip.ClipModel model, IReadOnlyList<string> classNames, IReadOnlyList<string> templates)
    {
        if (templates.Count == 0) throw new ArgumentException("no prompt template");
        using var scope = NewDisposeScope();
        var device = ModuleDevice.Of(model);
        var sum = Evaluator.ClassifierWeights(model, PromptTemplate.Format(templates[0], classNames), device);
        if (templates.Count == 1) return sum.cpu().MoveToOuterDisposeScope();
        foreach (var template in templates.Skip(1)) sum = sum + Evaluator.ClassifierWeights(model, PromptTemplate.Format(template, classNames), device);
        return L2.Normalize(sum).cpu().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// An adapter records the sizes of the base it was trained on; one whose shapes happen to fit another base (same
    /// widths, other heads or resolution) would load, but ship a classifier nobody evaluated.
    /// </summary>
    private static void RequireSameBase(OnnxExportRequest request, AdapterFileSummary? adapter, Clip.ClipConfig clip)
    {
        if (adapter?.BaseFingerprint is not { } recorded) return;
        string actual = BaseFingerprint.Of(clip);
        if (recorded != actual)
            throw new ArgumentException($"{request.AdapterPath}: the adapter was trained on another base ({recorded}) than {request.ModelPath} ({actual})");
    }

    /// <summary>A one-line summary for the verb.</summary>
    public static string Describe(OnnxExportResult result) =>
        string.Create(CultureInfo.InvariantCulture, $"wrote {result.Folder}: {result.Classes} classes, {string.Join(", ", result.Files.Where(f => f.File.EndsWith(".onnx", StringComparison.Ordinal)).Select(f => $"{f.File} {f.Bytes / 1e6:F1} MB"))}");
}
