using BlockLora.Torch;
using BlockLora.Clip;
using System.CommandLine;
using BlockLora.Adapters;
using BlockLora.Checkpoints;
using BlockLora.Data;
using BlockLora.Evaluation;
using BlockLora.Experiments;
using BlockLora.Results;
using BlockLora.Text;

namespace BlockLora.Cli.Commands;

/// <summary><c>blora zero-shot | train | eval | sweep</c>: the few-shot protocol from the command line.</summary>
public static class ExperimentCommands
{
    public static IEnumerable<Command> Create() => [ZeroShot(), Train(), Eval(), SweepCommand.Create(), SweepCommand.CreateBaseToNew()];

    private static Command ZeroShot()
    {
        var o = new RunOptions(["model", "data-root", "results", "dataset", "classes", "device", "precision", "workers"], required: new HashSet<string> { "model", "data-root", "dataset" });
        var command = new Command("zero-shot", "Zero-shot top-1 of the frozen CLIP on a dataset's test split (CoOp template); appends a results row");
        foreach (var opt in o.All) command.Options.Add(opt);
        command.SetAction(r => UserErrors.Run(() =>
        {
            var spec = o.Spec(r) with { Method = AdapterMethod.ZeroShot };
            DataCheck.RequireUsable(spec.DataRoot, [spec.Dataset, .. spec.AlsoEvaluateOn], spec.CustomDatasets);
            using var model = ClipCheckpoint.Load(spec.ModelPath, spec.Train.Precision, spec.Train.Device);
            FewShotRun.Execute(model, spec, SpectreTrainProgress.ForConsole());
        }));
        return command;
    }

    private static Command Train()
    {
        var o = RunOptions.ForRun();
        var resume = new Option<bool>("--resume") { Description = "continue an interrupted run from its checkpoint (without it, a leftover checkpoint is ignored and overwritten)" };
        var command = new Command("train", "Few-shot train LoRA or Block-LoRA, evaluate on the test split, save the adapter and a results row") { resume };
        foreach (var opt in o.All) command.Options.Add(opt);
        command.SetAction(r => UserErrors.Run(() =>
        {
            var spec = o.Spec(r) with { Resume = r.GetValue(resume) };
            if (spec.Method == AdapterMethod.ZeroShot) throw new ArgumentException("use 'blora zero-shot' for the zero-shot baseline");
            DataCheck.RequireUsable(spec.DataRoot, [spec.Dataset, .. spec.AlsoEvaluateOn], spec.CustomDatasets);
            using var model = ClipCheckpoint.Load(spec.ModelPath, spec.Train.Precision, spec.Train.Device);
            FewShotRun.Execute(model, spec, SpectreTrainProgress.ForConsole());
            Console.WriteLine($"run folder: {spec.RunFolder}");
        }));
        return command;
    }

    private static Command Eval()
    {
        var model = new Option<string>("--model") { Description = "CLIP checkpoint", Required = true };
        var dataRoot = new Option<string>("--data-root") { Description = "folder holding the datasets", Required = true };
        var dataset = new Option<string>("--dataset") { Description = RunSettings.Get("dataset").Description, Required = true };
        var adapter = new Option<string?>("--adapter") { Description = "adapter .safetensors to apply (merged)" };
        var template = new Option<string?>("--template") { Description = "prompt template with {} (default: the dataset's CoOp template without an adapter, 'a photo of a {}.' with one)" };
        var device = new Option<string>("--device") { DefaultValueFactory = _ => "cpu" };
        var precision = PrecisionOption.Create("auto");
        var perClass = new Option<bool>("--per-class") { Description = "print per-class accuracy and write the per-class report (top-1, per class, confusion)" };
        var report = new Option<string?>("--report") { Description = "per-class report file (default with --per-class: evaluation-<dataset>-all.json in the current folder)" };
        var command = new Command("eval", "Top-1 (and per-class) accuracy on a dataset's test split, with or without an adapter") { model, dataRoot, dataset, adapter, template, device, precision, perClass, report };
        command.SetAction(r => UserErrors.Run(() =>
        {
            string root = r.GetValue(dataRoot)!;
            // Checked before the model loads, so a typo in the folder costs no evaluation.
            if (r.GetValue(report) is { } reportPath && Path.GetDirectoryName(Path.GetFullPath(reportPath)) is { } folder && !Directory.Exists(folder))
                throw new ArgumentException($"{reportPath}: folder {folder} does not exist");
            var customs = CustomDatasetFile.Discover(root);
            DataCheck.RequireUsable(root, [r.GetValue(dataset)!], customs); // the data check's line, before the model loads
            var splits = DatasetReader.Read(root, DatasetCatalog.Resolve(r.GetValue(dataset)!, customs));
            using var clip = ClipCheckpoint.Load(r.GetValue(model)!, Precisions.Parse(r.GetValue(precision)!), r.GetValue(device)!);
            ModelPrecision.Apply(clip, Precisions.Parse(r.GetValue(precision)!), DeviceSelection.Parse(r.GetValue(device)!), Console.Error.WriteLine); // the slow-choice warning
            using var set = r.GetValue(adapter) is { } path ? AdapterFile.Load(path, clip) : null;
            set?.MergeAll();
            string t = r.GetValue(template) ?? (set is null ? splits.Dataset.PromptTemplate : PromptTemplate.Default);
            var result = Evaluator.Evaluate(clip, splits.Test, PromptTemplate.Format(t, splits.ClassNames), r.GetValue(device)!);
            Console.WriteLine($"{splits.Dataset.Name}: top-1 {result.Top1:F2}%  mean per-class {result.MeanPerClassAccuracy:F2}%  ({result.Count} images{(result.Skipped > 0 ? $", {result.Skipped} unreadable skipped" : "")})");
            if (r.GetValue(perClass))
                for (int c = 0; c < splits.ClassNames.Count; c++) Console.WriteLine($"  {splits.ClassNames[c],-40} {result.PerClassAccuracy[c],6:F2}%");
            if (r.GetValue(perClass) || r.GetValue(report) is not null)
            {
                string all = ClassSubsets.Format(ClassSubset.All);
                string reportFile = r.GetValue(report) ?? EvaluationReport.FileName(splits.Dataset.Name, all);
                EvaluationReport.From(result, splits.Dataset.Name, all, splits.ClassNames).Save(reportFile);
                Console.WriteLine($"per-class report: {reportFile}");
            }
        }));
        return command;
    }
}
