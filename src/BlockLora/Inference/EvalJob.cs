using BlockLora.Adapters;
using BlockLora.Checkpoints;
using BlockLora.Clip;
using BlockLora.Data;
using BlockLora.Evaluation;
using BlockLora.Text;
using BlockLora.Torch;

namespace BlockLora.Inference;

/// <summary>
/// What <c>blora eval</c> runs: check the data, load the model in its run's dtype and device, apply the adapter merged,
/// evaluate the test split and write the per-class report when asked. Returns the lines the verb prints.
/// </summary>
public static class EvalJob
{
    /// <param name="warn">Where a slow-choice warning goes (the verb's stderr).</param>
    public static IReadOnlyList<string> Run(EvalRequest request, Action<string>? warn = null)
    {
        // Checked before the model loads, so a typo in the folder costs no evaluation.
        if (request.ReportPath is { } reportPath && Path.GetDirectoryName(Path.GetFullPath(reportPath)) is { } folder && !Directory.Exists(folder))
            throw new ArgumentException($"{reportPath}: folder {folder} does not exist");
        var customs = CustomDatasetFile.Discover(request.DataRoot);
        DataCheck.RequireUsable(request.DataRoot, [request.Dataset], customs); // the data check's line, before the model loads
        var splits = DatasetReader.Read(request.DataRoot, DatasetCatalog.Resolve(request.Dataset, customs));
        var target = ComputeTarget.Resolve(request.Precision, request.Device);
        using var clip = ClipCheckpoint.Load(request.ModelPath, new ClipLoadOptions { DType = target.DType });
        ModelPlacement.Place(clip, target, warn);
        using var set = request.AdapterPath is { } path ? AdapterFile.Load(path, clip) : null;
        set?.MergeAll();
        string template = request.Template ?? (set is null ? splits.Dataset.PromptTemplate : PromptTemplate.Default);
        var result = Evaluator.Evaluate(clip, splits.Test, PromptTemplate.Format(template, splits.ClassNames));

        var lines = new List<string>
        {
            $"{splits.Dataset.Name}: top-1 {result.Top1:F2}%  mean per-class {result.MeanPerClassAccuracy:F2}%  ({result.Count} images{(result.Skipped > 0 ? $", {result.Skipped} unreadable skipped" : "")})",
        };
        if (request.PerClass)
            lines.AddRange(splits.ClassNames.Select((name, c) => $"  {name,-40} {result.PerClassAccuracy[c],6:F2}%"));
        if (request.PerClass || request.ReportPath is not null)
        {
            string all = ClassSubsets.Format(ClassSubset.All);
            string reportFile = request.ReportPath ?? EvaluationReport.FileName(splits.Dataset.Name, all);
            EvaluationReport.From(result, splits.Dataset.Name, all, splits.ClassNames).Save(reportFile);
            lines.Add($"per-class report: {reportFile}");
        }
        return lines;
    }
}
