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
    public static IEnumerable<Command> Create() => [ZeroShot(), Train(), Eval(), SweepCommand()];

    private static Option<string> DatasetOption() => new("--dataset") { Description = "dataset name (e.g. OxfordPets, ImageNet, DTD, or a custom one described by <data-root>/<folder>/blora-dataset.json)", Required = true };

    private static Command ZeroShot()
    {
        var o = new RunOptions();
        var dataset = DatasetOption();
        var command = new Command("zero-shot", "Zero-shot top-1 of the frozen CLIP on a dataset's test split (CoOp template); appends a results row") { dataset };
        foreach (var opt in new Option[] { o.Model, o.DataRoot, o.Results, o.Device, o.Precision, o.Workers }) command.Options.Add(opt);
        command.SetAction(r => UserErrors.Run(() =>
        {
            var train = o.Train(r);
            using var model = ClipCheckpoint.Load(r.GetValue(o.Model)!, train.Precision, train.Device);
            FewShotRun.Execute(model, new RunSpec
            {
                ModelPath = r.GetValue(o.Model)!,
                DataRoot = r.GetValue(o.DataRoot)!,
                Dataset = r.GetValue(dataset)!,
                Method = AdapterMethod.ZeroShot,
                ResultsDir = r.GetValue(o.Results)!,
                Train = o.Train(r),
                CustomDatasets = CustomDatasetFile.Discover(r.GetValue(o.DataRoot)!),
            }, SpectreTrainProgress.ForConsole());
        }));
        return command;
    }

    private static Command Train()
    {
        var o = new RunOptions();
        var dataset = DatasetOption();
        var method = new Option<string>("--method") { Description = "lora or block-lora", DefaultValueFactory = _ => "block-lora" };
        var shots = new Option<int>("--shots") { Description = "images per class", DefaultValueFactory = _ => 16 };
        var seed = new Option<int>("--seed") { Description = "few-shot sample and init seed", DefaultValueFactory = _ => 1 };
        var rank = new Option<int>("--rank") { Description = "rank r", DefaultValueFactory = _ => 2 };
        var blocks = new Option<int>("--blocks") { Description = "block count n (block-lora)", DefaultValueFactory = _ => 8 };
        var splitFile = new Option<string?>("--split-file") { Description = "use this few-shot list (2SFS .jsonl or a saved fewshot.json) instead of sampling" };
        var evalOn = new Option<string?>("--eval-on") { Description = "also evaluate the adapter on these datasets (cross-dataset / domain generalization), comma-separated" };
        var resume = new Option<bool>("--resume") { Description = "continue an interrupted run from its checkpoint (without it, a leftover checkpoint is ignored and overwritten)" };
        var command = new Command("train", "Few-shot train LoRA or Block-LoRA, evaluate on the test split, save the adapter and a results row")
            { dataset, method, shots, seed, rank, blocks, splitFile, evalOn, resume };
        foreach (var opt in o.All) command.Options.Add(opt);
        command.SetAction(r => UserErrors.Run(() =>
        {
            var spec = new RunSpec
            {
                ModelPath = r.GetValue(o.Model)!,
                DataRoot = r.GetValue(o.DataRoot)!,
                Dataset = r.GetValue(dataset)!,
                Method = AdapterMethods.Parse(r.GetValue(method)!),
                Shots = r.GetValue(shots),
                Seed = r.GetValue(seed),
                Adapter = o.Adapter(r) with { Rank = r.GetValue(rank), Blocks = r.GetValue(blocks) },
                Train = o.Train(r),
                ResultsDir = r.GetValue(o.Results)!,
                SplitFile = r.GetValue(splitFile),
                AlsoEvaluateOn = RunOptions.List(r.GetValue(evalOn) ?? "", s => s),
                Resume = r.GetValue(resume),
                CustomDatasets = CustomDatasetFile.Discover(r.GetValue(o.DataRoot)!),
            };
            if (spec.Method == AdapterMethod.ZeroShot) throw new ArgumentException("use 'blora zero-shot' for the zero-shot baseline");
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
        var dataset = DatasetOption();
        var adapter = new Option<string?>("--adapter") { Description = "adapter .safetensors to apply (merged)" };
        var template = new Option<string?>("--template") { Description = "prompt template with {} (default: the dataset's CoOp template without an adapter, 'a photo of a {}.' with one)" };
        var device = new Option<string>("--device") { DefaultValueFactory = _ => "cpu" };
        var precision = RunOptions.PrecisionOption("auto");
        var perClass = new Option<bool>("--per-class") { Description = "print per-class accuracy" };
        var command = new Command("eval", "Top-1 (and per-class) accuracy on a dataset's test split, with or without an adapter") { model, dataRoot, dataset, adapter, template, device, precision, perClass };
        command.SetAction(r => UserErrors.Run(() =>
        {
            string root = r.GetValue(dataRoot)!;
            var splits = DatasetReader.Read(root, DatasetCatalog.Resolve(r.GetValue(dataset)!, CustomDatasetFile.Discover(root)));
            using var clip = ClipCheckpoint.Load(r.GetValue(model)!, Precisions.Parse(r.GetValue(precision)!), r.GetValue(device)!);
            ModelPrecision.Apply(clip, Precisions.Parse(r.GetValue(precision)!), DeviceSelection.Parse(r.GetValue(device)!), Console.Error.WriteLine); // the slow-choice warning
            using var set = r.GetValue(adapter) is { } path ? AdapterFile.Load(path, clip) : null;
            set?.MergeAll();
            string t = r.GetValue(template) ?? (set is null ? splits.Dataset.PromptTemplate : PromptTemplate.Default);
            var result = Evaluator.Evaluate(clip, splits.Test, PromptTemplate.Format(t, splits.ClassNames), r.GetValue(device)!);
            Console.WriteLine($"{splits.Dataset.Name}: top-1 {result.Top1:F2}%  mean per-class {result.MeanPerClassAccuracy:F2}%  ({result.Count} images{(result.Skipped > 0 ? $", {result.Skipped} unreadable skipped" : "")})");
            if (r.GetValue(perClass))
                for (int c = 0; c < splits.ClassNames.Count; c++) Console.WriteLine($"  {splits.ClassNames[c],-40} {result.PerClassAccuracy[c],6:F2}%");
        }));
        return command;
    }

    private static Command SweepCommand()
    {
        var o = new RunOptions();
        var datasets = new Option<string>("--datasets") { Description = "comma-separated dataset names", Required = true };
        var shots = new Option<string>("--shots") { Description = "comma-separated shot counts", DefaultValueFactory = _ => "1,2,4,8,16" };
        var seeds = new Option<string>("--seeds") { Description = "comma-separated seeds", DefaultValueFactory = _ => "1,2,3" };
        var methods = new Option<string>("--methods") { Description = "zero-shot,lora,block-lora", DefaultValueFactory = _ => "zero-shot,lora,block-lora" };
        var ranks = new Option<string>("--ranks") { Description = "comma-separated ranks", DefaultValueFactory = _ => "2" };
        var blocks = new Option<string>("--blocks") { Description = "comma-separated block counts (block-lora)", DefaultValueFactory = _ => "8" };
        var command = new Command("sweep", "Run a grid of few-shot runs; rerun the same command to resume (finished runs are skipped)")
            { datasets, shots, seeds, methods, ranks, blocks };
        foreach (var opt in o.All) command.Options.Add(opt);
        command.SetAction(r => UserErrors.Run(() =>
        {
            var customs = CustomDatasetFile.Discover(r.GetValue(o.DataRoot)!);
            var config = new SweepConfig
            {
                ModelPath = r.GetValue(o.Model)!,
                DataRoot = r.GetValue(o.DataRoot)!,
                CustomDatasets = customs,
                Datasets = RunOptions.List(r.GetValue(datasets)!, s => DatasetCatalog.Resolve(s, customs).Name),
                Shots = RunOptions.List(r.GetValue(shots)!, RunOptions.Int),
                Seeds = RunOptions.List(r.GetValue(seeds)!, RunOptions.Int),
                Methods = RunOptions.List(r.GetValue(methods)!, AdapterMethods.Parse),
                Ranks = RunOptions.List(r.GetValue(ranks)!, RunOptions.Int),
                Blocks = RunOptions.List(r.GetValue(blocks)!, RunOptions.Int),
                Adapter = o.Adapter(r),
                Train = o.Train(r),
                ResultsDir = r.GetValue(o.Results)!,
            };
            var summary = Sweep.Run(config, SpectreTrainProgress.ForConsole());
            Console.WriteLine($"sweep done: {summary.Ran} ran, {summary.Skipped} already finished, {summary.Total} in the grid; rows in {ResultsStore.In(config.ResultsDir).Path}");
        }));
        return command;
    }
}
