using System.CommandLine;
using BlockLora.Adapters;
using BlockLora.Experiments;
using BlockLora.Inference;

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
        command.SetAction(r => UserErrors.Run(() => RunJob.Run(o.Spec(r) with { Method = AdapterMethod.ZeroShot }, SpectreTrainProgress.ForConsole())));
        return command;
    }

    private static Command Train()
    {
        var o = RunOptions.ForRun();
        var resume = new Option<bool>("--resume") { Description = "continue an interrupted run from its checkpoint (without it, a leftover checkpoint is ignored and overwritten)" };
        var evalOnly = new Option<bool>("--eval_only") { Description = "CLIP-LoRA's: " + ClipLoraOptions.Find("eval_only")!.Note };
        var command = new Command("train", "Few-shot train LoRA or Block-LoRA, evaluate on the test split, save the adapter and a results row") { resume, evalOnly };
        foreach (var opt in o.All) command.Options.Add(opt);
        command.SetAction(r => UserErrors.Run(() =>
        {
            var spec = o.Spec(r) with { Resume = r.GetValue(resume) };
            if (spec.Method == AdapterMethod.ZeroShot) throw new ArgumentException("use 'blora zero-shot' for the zero-shot baseline");
            if (r.GetValue(evalOnly))
            {
                foreach (var line in RunJob.EvaluateSaved(spec, Console.Error.WriteLine)) Console.WriteLine(line);
                return;
            }
            var run = RunJob.Run(spec, SpectreTrainProgress.ForConsole());
            Console.WriteLine($"run folder: {run.RunFolder}");
        }));
        return command;
    }

    private static Command Eval()
    {
        // The options a run shares take the run's description and default, so eval and train cannot disagree.
        var o = new RunOptions(["model", "data-root", "dataset", "device", "precision"], required: new HashSet<string> { "model", "data-root", "dataset" });
        var adapter = new Option<string?>("--adapter") { Description = "adapter .safetensors to apply (merged)" };
        var template = new Option<string?>("--template") { Description = "prompt template with {} (default: the dataset's CoOp template without an adapter, 'a photo of a {}.' with one)" };
        var perClass = new Option<bool>("--per-class") { Description = "print per-class accuracy and write the per-class report (top-1, per class, confusion)" };
        var report = new Option<string?>("--report") { Description = "per-class report file (default with --per-class: evaluation-<dataset>-all.json in the current folder)" };
        var command = new Command("eval", "Top-1 (and per-class) accuracy on a dataset's test split, with or without an adapter");
        foreach (var opt in o.All) command.Options.Add(opt);
        foreach (var opt in new Option[] { adapter, template, perClass, report }) command.Options.Add(opt);
        command.SetAction(r => UserErrors.Run(() =>
        {
            var spec = o.Spec(r);
            var request = new EvalRequest
            {
                ModelPath = spec.ModelPath, DataRoot = spec.DataRoot, Dataset = spec.Dataset, Device = spec.Train.Device, Precision = spec.Train.Precision,
                AdapterPath = r.GetValue(adapter), Template = r.GetValue(template), PerClass = r.GetValue(perClass), ReportPath = r.GetValue(report),
            };
            foreach (var line in EvalJob.Run(request, Console.Error.WriteLine)) Console.WriteLine(line);
        }));
        return command;
    }
}
