using System.Globalization;
using BlockLora.Adapters;
using BlockLora.Clip;
using BlockLora.Data;
using BlockLora.Evaluation;
using BlockLora.IO;
using BlockLora.Results;
using BlockLora.Text;
using BlockLora.Torch;
using BlockLora.Training;

namespace BlockLora.Experiments;

/// <summary>
/// Runs one <see cref="RunSpec"/> on an already loaded base model: sample (or read) the few-shot
/// subset and write it into the run folder, inject and train the adapters, evaluate on the test split
/// (and any extra datasets), save the adapter, and append one results row per evaluated dataset.
/// The run folder records the run: <c>config.json</c>, <c>fewshot.json</c>, <c>metrics.csv</c>,
/// <c>adapter.safetensors</c> and an <c>evaluation-&lt;dataset&gt;-&lt;half&gt;.json</c> per evaluated set.
/// The base model comes back bit-identical: adapters are removed at the end.
/// </summary>
public static class FewShotRun
{
    /// <param name="store">Where the rows go: the results folder's shared <c>results.csv</c> unless a sharded process passes its own.</param>
    public static IReadOnlyList<RunRecord> Execute(ClipModel model, RunSpec spec, ITrainProgress? progress = null, ResultsStore? store = null)
    {
        spec.CheckClasses();
        return Execute(model, spec.Resolve(), progress, store);
    }

    /// <summary>Runs a spec already resolved (<see cref="RunSpec.Resolve"/>); the model is placed on its device and dtype here, once.</summary>
    public static IReadOnlyList<RunRecord> Execute(ClipModel model, ResolvedRun run, ITrainProgress? progress = null, ResultsStore? store = null)
    {
        progress ??= SilentTrainProgress.Instance;
        var spec = run.Spec;
        spec.CheckClasses();
        var allClasses = DatasetReader.Read(spec.DataRoot, run.Dataset);
        // A base run trains on the base half only: the new classes' images never reach the few-shot list or the loss.
        var splits = ClassSubsets.Apply(allClasses, spec.Classes);
        // Before the run folder exists: a split file that disagrees with the run must leave nothing behind.
        var selection = spec.IsZeroShot ? null : SelectFewShot(spec, allClasses, splits);
        // Zero-shot rows compute in the run's precision too; a training run would cast here anyway.
        ModelPlacement.Place(model, run.Target, progress.OnMessage);
        Directory.CreateDirectory(run.RunFolder);
        AtomicFile.WriteAllText(Path.Combine(run.RunFolder, ConfigFileName), run.Identity.Json + "\n");
        store ??= ResultsStore.In(spec.ResultsDir);

        AdapterSet? adapters = null;
        TrainResult? trained = null;
        try
        {
            if (selection is not null)
            {
                foreach (var warning in selection.Warnings) progress.OnMessage($"warning: {warning}");
                FewShotSplitFile.Write(Path.Combine(run.RunFolder, "fewshot.json"), selection, splits.Location.ImageDirectory);

                adapters = AdapterInjector.Inject(model, spec.ResolvedAdapter);
                var trainer = new Trainer(model, adapters, spec.Train, progress);
                trained = trainer.Train(selection, new TrainSession
                {
                    Identity = run.Identity.Id,
                    CheckpointPath = Path.Combine(run.RunFolder, "checkpoint.safetensors"),
                    Resume = spec.Resume,
                    MetricsPath = Path.Combine(run.RunFolder, MetricsLog.FileName),
                });
                if (trained.SkippedImages > 0) progress.OnMessage($"warning: skipped {trained.SkippedImages} unreadable training images");
                AdapterFile.Save(Path.Combine(run.RunFolder, AdapterFileName), adapters, new Dictionary<string, string>
                {
                    ["dataset"] = splits.Dataset.Name,
                    ["shots"] = spec.Shots.ToString(CultureInfo.InvariantCulture),
                    ["iterations"] = trained.Iterations.ToString(CultureInfo.InvariantCulture),
                    ["precision"] = trained.Precision,
                    ["commit"] = GitInfo.Commit,
                });
                adapters.MergeAll(); // evaluation runs on merged weights: the zero-latency path users deploy
            }

            var records = new List<RunRecord>();
            foreach (var (evalClasses, evalSplits) in EvaluationSets(run, allClasses))
            {
                // Zero-shot rows use the dataset's CoOp template; adapted rows the training template (as CLIP-LoRA does).
                // A half is scored with its own class names only (the new half never sees a base name, nor the reverse).
                var template = spec.IsZeroShot ? evalSplits.Dataset.PromptTemplate : spec.Train.Template;
                var result = Evaluator.Evaluate(model, evalSplits.Test, PromptTemplate.Format(template, evalSplits.ClassNames), 64, spec.Train.DataWorkers);
                SaveReport(run, result, evalSplits, evalClasses);
                var elsewhere = evalSplits.Dataset.Name == splits.Dataset.Name ? null : evalSplits.Dataset;
                var record = Record(run, elsewhere, evalClasses, result, adapters, trained);
                string half = evalClasses == ClassSubset.All ? "" : $" ({ClassSubsets.Format(evalClasses)} classes)";
                progress.OnMessage($"{AdapterMethods.Format(spec.Method)} {splits.Dataset.Name}{(elsewhere is null ? "" : " → " + elsewhere.Name)}{half} {(spec.IsZeroShot ? "" : $"{spec.Shots}-shot seed {spec.Seed} ")}top-1 {result.Top1:F2}% ({result.Count} images, {record.SkippedImages} unreadable skipped)");
                records.Add(record);
            }
            store.Append(records.ToArray());
            return records;
        }
        finally
        {
            adapters?.Dispose();
        }
    }

    /// <summary>
    /// Evaluates the adapter a finished run saved (<c>adapter.safetensors</c> in its run folder) on other datasets,
    /// without retraining: the cross-dataset and domain-generalisation rows of an existing run. Appends one results
    /// row per dataset (its <c>eval_dataset</c> set) and returns them. The base model comes back unchanged.
    /// </summary>
    public static IReadOnlyList<RunRecord> EvaluateSaved(ClipModel model, ResolvedRun run, IEnumerable<string> datasets, ITrainProgress? progress = null, ResultsStore? store = null)
    {
        progress ??= SilentTrainProgress.Instance;
        var spec = run.Spec;
        if (spec.IsZeroShot) throw new ArgumentException("a zero-shot run has no adapter to evaluate elsewhere");
        string adapterPath = Path.Combine(run.RunFolder, AdapterFileName);
        if (!File.Exists(adapterPath))
            throw new FileNotFoundException($"{adapterPath}: no saved adapter; run {spec.Dataset} {AdapterMethods.Format(spec.Method)} {spec.Shots}-shot seed {spec.Seed} first", adapterPath);
        string source = run.Dataset.Name;
        ModelPlacement.Place(model, run.Target, progress.OnMessage);
        using var adapters = AdapterFile.Load(adapterPath, model);
        adapters.MergeAll();
        var records = new List<RunRecord>();
        foreach (var dataset in datasets)
        {
            var splits = DatasetReader.Read(spec.DataRoot, run.AlsoEvaluateOn.FirstOrDefault(d => d.Name == dataset) ?? spec.ResolveDataset(dataset));
            var result = Evaluator.Evaluate(model, splits.Test, PromptTemplate.Format(spec.Train.Template, splits.ClassNames), 64, spec.Train.DataWorkers);
            SaveReport(run, result, splits, ClassSubset.All);
            var record = Record(run, splits.Dataset, ClassSubset.All, result, adapters, trained: null);
            progress.OnMessage($"{AdapterMethods.Format(spec.Method)} {source} → {splits.Dataset.Name} {spec.Shots}-shot seed {spec.Seed} top-1 {result.Top1:F2}% ({result.Count} images, {record.SkippedImages} unreadable skipped)");
            records.Add(record);
        }
        (store ?? ResultsStore.In(spec.ResultsDir)).Append(records.ToArray());
        return records;
    }

    /// <summary>
    /// The row this spec produces for its own dataset, or for <paramref name="evalDataset"/>, with every field that
    /// identifies the run set (its <see cref="RunRecord.RunId"/>, which <see cref="FinishedRuns"/> looks up to skip finished
    /// runs) and no measurement yet; <see cref="Record"/> fills in the measurements.
    /// </summary>
    /// <param name="evalClasses">The half the row is scored on, when not the run's own (the new half of a base run).</param>
    public static RunRecord Identity(RunSpec spec, string evalDataset = "", ClassSubset? evalClasses = null)
    {
        var dataset = spec.ResolveDataset(spec.Dataset);
        var elsewhere = evalDataset.Length == 0 ? null : spec.ResolveDataset(evalDataset);
        var dtype = spec.ComputeDType;
        return Row(spec, dataset, elsewhere, evalClasses, RunIdentity.Of(spec, dataset, elsewhere, evalClasses, dtype), dtype);
    }

    private static RunRecord Row(RunSpec spec, DatasetInfo dataset, DatasetInfo? evalDataset, ClassSubset? evalClasses, RunIdentity identity, TorchSharp.torch.ScalarType dtype)
    {
        var adapter = spec.ResolvedAdapter;
        bool zeroShot = spec.IsZeroShot;
        return new RunRecord
        {
            RunId = identity.Id,
            Config = identity.Json,
            Dataset = dataset.Name,
            EvalDataset = evalDataset?.Name ?? "",
            Shots = zeroShot ? 0 : spec.Shots,
            Seed = zeroShot ? 0 : spec.Seed,
            Method = spec.Method,
            Rank = zeroShot ? 0 : adapter.Rank,
            Blocks = zeroShot ? 0 : adapter.Blocks,
            Alpha = zeroShot ? 0 : adapter.Alpha,
            Targets = zeroShot ? "" : AdapterTargetNames.Format(adapter.Targets),
            Encoders = zeroShot ? "" : AdapterEncoderNames.Format(adapter.Encoders),
            Iterations = spec.Iterations,
            Accuracy = 0,
            Device = spec.Train.Device,
            Precision = PrecisionSelection.Name(dtype),
            Backbone = spec.Backbone,
            GitCommit = GitInfo.Commit,
            Classes = ClassSubsets.Format(evalClasses ?? spec.Classes),
        };
    }

    /// <summary>The adapter a training run saves in its run folder.</summary>
    public const string AdapterFileName = "adapter.safetensors";

    /// <summary><c>config.json</c> in a run folder: the run's canonical config, the text its results row carries in <c>config</c>.</summary>
    public const string ConfigFileName = "config.json";

    /// <param name="all">The run's dataset on all its classes; <paramref name="splits"/> is its class subset.</param>
    private static FewShotSelection SelectFewShot(RunSpec spec, DatasetSplits all, DatasetSplits splits) =>
        spec.SplitFile is null ? FewShotSampler.Sample(splits, spec.Shots, spec.Seed)
            : RunSplitFile.Read(spec.SplitFile, all, spec.Classes, spec.Shots, spec.Seed);

    /// <summary>The evaluation's per-class file in the run folder, one per dataset and half.</summary>
    private static void SaveReport(ResolvedRun run, EvalResult result, DatasetSplits evaluated, ClassSubset classes)
    {
        string half = ClassSubsets.Format(classes);
        EvaluationReport.From(result, evaluated.Dataset.Name, half, evaluated.ClassNames)
            .Save(Path.Combine(run.RunFolder, EvaluationReport.FileName(evaluated.Dataset.Name, half)));
    }

    /// <summary>The run's own dataset on each half it is scored on (<see cref="RunSpec.ScoredClasses"/>), then every eval-on dataset on all its classes.</summary>
    internal static IEnumerable<(ClassSubset Classes, DatasetSplits Splits)> EvaluationSets(ResolvedRun run, DatasetSplits own)
    {
        foreach (var subset in run.Spec.ScoredClasses) yield return (subset, ClassSubsets.Apply(own, subset));
        foreach (var other in run.AlsoEvaluateOn) yield return (ClassSubset.All, DatasetReader.Read(run.Spec.DataRoot, other));
    }

    /// <param name="evalDataset">The dataset the row is scored on when not the run's own.</param>
    private static RunRecord Record(ResolvedRun run, DatasetInfo? evalDataset, ClassSubset evalClasses, EvalResult result, AdapterSet? adapters, TrainResult? trained)
    {
        // The row's own identity: an eval-on row or a new-half row is another row of the same run, with its own id.
        var half = evalClasses == run.Spec.Classes ? (ClassSubset?)null : evalClasses;
        return Row(run.Spec, run.Dataset, evalDataset, half, run.IdentityOf(evalDataset, half), run.Target.DType) with
        {
            Iterations = trained?.Iterations ?? run.Spec.Iterations,
            Accuracy = result.Top1,
            TrainableParameters = adapters?.TrainableParameters().Sum(p => p.numel()) ?? 0,
            TrainSeconds = trained?.Seconds ?? 0,
            PeakMemoryBytes = trained?.PeakMemoryBytes ?? PeakMemory.Peak(),
            // Training's skips count in every row of the run: each row's accuracy comes from that adapter.
            SkippedImages = (trained?.SkippedImages ?? 0) + result.Skipped,
        };
    }
}
