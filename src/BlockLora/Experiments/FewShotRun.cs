using System.Globalization;
using BlockLora.Adapters;
using BlockLora.Clip;
using BlockLora.Data;
using BlockLora.Evaluation;
using BlockLora.Results;
using BlockLora.Training;

namespace BlockLora.Experiments;

/// <summary>
/// Runs one <see cref="RunSpec"/> on an already loaded base model: sample (or read) the few-shot
/// subset and write it into the run folder, inject and train the adapters, evaluate on the test split
/// (and any extra datasets), save the adapter, and append one results row per evaluated dataset.
/// The base model comes back bit-identical: adapters are removed at the end.
/// </summary>
public static class FewShotRun
{
    public static IReadOnlyList<RunRecord> Execute(ClipModel model, RunSpec spec, ITrainProgress? progress = null)
    {
        progress ??= SilentTrainProgress.Instance;
        RunMethods.Validate(spec.Method);
        var splits = DatasetReader.Read(spec.DataRoot, spec.ResolveDataset(spec.Dataset));
        Directory.CreateDirectory(spec.RunFolder);
        var store = new ResultsStore(Path.Combine(spec.ResultsDir, "results.csv"));

        AdapterSet? adapters = null;
        TrainResult? trained = null;
        try
        {
            if (!spec.IsZeroShot)
            {
                var selection = SelectFewShot(spec, splits);
                foreach (var warning in selection.Warnings) progress.OnMessage($"warning: {warning}");
                FewShotSplitFile.Write(Path.Combine(spec.RunFolder, "fewshot.json"), selection, splits.Location.ImageDirectory);

                var adapterConfig = spec.Adapter with
                {
                    Method = spec.Method == RunMethods.Lora ? AdapterMethod.Lora : AdapterMethod.BlockLora,
                    Blocks = spec.Method == RunMethods.Lora ? 1 : spec.Adapter.Blocks,
                    Seed = spec.Seed,
                };
                adapters = AdapterInjector.Inject(model, adapterConfig);
                var trainer = new Trainer(model, adapters, spec.Train with { Shots = spec.Shots, Seed = spec.Seed }, progress);
                trained = trainer.Train(selection.Items, splits.ClassNames, Path.Combine(spec.RunFolder, "checkpoint.safetensors"), spec.Resume);
                if (trained.SkippedImages > 0) progress.OnMessage($"warning: skipped {trained.SkippedImages} unreadable training images");
                AdapterFile.Save(Path.Combine(spec.RunFolder, "adapter.safetensors"), adapters, new Dictionary<string, string>
                {
                    ["dataset"] = splits.Dataset.Name,
                    ["shots"] = spec.Shots.ToString(CultureInfo.InvariantCulture),
                    ["iterations"] = trained.Iterations.ToString(CultureInfo.InvariantCulture),
                    ["commit"] = GitInfo.Commit,
                });
                adapters.MergeAll(); // evaluation runs on merged weights: the zero-latency path users deploy
            }

            var records = new List<RunRecord>();
            foreach (var (evalName, evalSplits) in EvaluationSets(spec, splits))
            {
                // Zero-shot rows use the dataset's CoOp template; adapted rows the training template (as CLIP-LoRA does).
                var template = spec.IsZeroShot ? evalSplits.Dataset.PromptTemplate : spec.Train.Template;
                var result = Evaluator.Evaluate(model, evalSplits.Test, Evaluator.Prompts(evalSplits.ClassNames, template), spec.Train.Device, 64, spec.Train.DataWorkers);
                progress.OnMessage($"{spec.Method} {splits.Dataset.Name}{(evalName == splits.Dataset.Name ? "" : " → " + evalName)} {(spec.IsZeroShot ? "" : $"{spec.Shots}-shot seed {spec.Seed} ")}top-1 {result.Top1:F2}% ({result.Count} images)");
                records.Add(Record(spec, splits.Dataset.Name, evalName == splits.Dataset.Name ? "" : evalName, result, adapters, trained));
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
    public static IReadOnlyList<RunRecord> EvaluateSaved(ClipModel model, RunSpec spec, IEnumerable<string> datasets, ITrainProgress? progress = null)
    {
        progress ??= SilentTrainProgress.Instance;
        if (spec.IsZeroShot) throw new ArgumentException("a zero-shot run has no adapter to evaluate elsewhere");
        string adapterPath = Path.Combine(spec.RunFolder, "adapter.safetensors");
        if (!File.Exists(adapterPath))
            throw new FileNotFoundException($"{adapterPath}: no saved adapter; run {spec.Dataset} {spec.Method} {spec.Shots}-shot seed {spec.Seed} first", adapterPath);
        string source = spec.ResolveDataset(spec.Dataset).Name;
        using var adapters = AdapterFile.Load(adapterPath, model);
        adapters.MergeAll();
        var records = new List<RunRecord>();
        foreach (var dataset in datasets)
        {
            var splits = DatasetReader.Read(spec.DataRoot, spec.ResolveDataset(dataset));
            var result = Evaluator.Evaluate(model, splits.Test, Evaluator.Prompts(splits.ClassNames, spec.Train.Template), spec.Train.Device, 64, spec.Train.DataWorkers);
            progress.OnMessage($"{spec.Method} {source} → {splits.Dataset.Name} {spec.Shots}-shot seed {spec.Seed} top-1 {result.Top1:F2}% ({result.Count} images)");
            records.Add(Record(spec, source, splits.Dataset.Name, result, adapters, trained: null));
        }
        new ResultsStore(Path.Combine(spec.ResultsDir, "results.csv")).Append(records.ToArray());
        return records;
    }

    /// <summary>The results-row key this spec will produce for its own dataset, or for <paramref name="evalDataset"/> (what sweeps look up to skip it).</summary>
    public static string ExpectedKey(RunSpec spec, string evalDataset = "")
    {
        bool lora = spec.Method == RunMethods.Lora;
        return new RunRecord
        {
            Dataset = spec.ResolveDataset(spec.Dataset).Name,
            EvalDataset = evalDataset.Length == 0 ? "" : spec.ResolveDataset(evalDataset).Name,
            Shots = spec.IsZeroShot ? 0 : spec.Shots,
            Seed = spec.IsZeroShot ? 0 : spec.Seed,
            Method = spec.Method,
            Rank = spec.IsZeroShot ? 0 : spec.Adapter.Rank,
            Blocks = spec.IsZeroShot ? 0 : lora ? 1 : spec.Adapter.Blocks,
            Alpha = spec.IsZeroShot ? 0 : spec.Adapter.Alpha,
            Targets = spec.IsZeroShot ? "" : AdapterTargetNames.Format(spec.Adapter.Targets),
            Encoders = spec.IsZeroShot ? "" : AdapterEncoderNames.Format(spec.Adapter.Encoders),
            Iterations = spec.IsZeroShot ? 0 : (spec.Train with { Shots = spec.Shots }).TotalIterations,
            Accuracy = 0,
            Backbone = spec.Backbone,
        }.Key;
    }

    private static FewShotSelection SelectFewShot(RunSpec spec, DatasetSplits splits)
    {
        if (spec.SplitFile is null) return FewShotSampler.Sample(splits, spec.Shots, spec.Seed);
        if (spec.SplitFile.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase))
        {
            var items = TwoSfsSplitFile.Read(spec.SplitFile, splits.Location);
            return new FewShotSelection(splits.Dataset.Name, spec.Shots, spec.Seed, items, splits.ClassNames, 0, 0);
        }
        return FewShotSplitFile.Read(spec.SplitFile, splits.Location.ImageDirectory);
    }

    private static IEnumerable<(string Name, DatasetSplits Splits)> EvaluationSets(RunSpec spec, DatasetSplits own)
    {
        yield return (own.Dataset.Name, own);
        foreach (var other in spec.AlsoEvaluateOn)
        {
            var splits = DatasetReader.Read(spec.DataRoot, spec.ResolveDataset(other));
            yield return (splits.Dataset.Name, splits);
        }
    }

    private static RunRecord Record(RunSpec spec, string dataset, string evalDataset, EvalResult result, AdapterSet? adapters, TrainResult? trained) => new()
    {
        Dataset = dataset,
        EvalDataset = evalDataset,
        Shots = spec.IsZeroShot ? 0 : spec.Shots,
        Seed = spec.IsZeroShot ? 0 : spec.Seed,
        Method = spec.Method,
        Rank = adapters?.Config.Rank ?? 0,
        Blocks = adapters?.Config.Blocks ?? 0,
        Alpha = adapters?.Config.Alpha ?? 0,
        Targets = adapters is null ? "" : AdapterTargetNames.Format(adapters.Config.Targets),
        Encoders = adapters is null ? "" : AdapterEncoderNames.Format(adapters.Config.Encoders),
        Iterations = trained?.Iterations ?? (spec.IsZeroShot ? 0 : (spec.Train with { Shots = spec.Shots }).TotalIterations),
        Accuracy = result.Top1,
        TrainableParameters = adapters?.TrainableParameters().Sum(p => p.numel()) ?? 0,
        TrainSeconds = trained?.Seconds ?? 0,
        PeakMemoryBytes = trained?.PeakMemoryBytes ?? System.Diagnostics.Process.GetCurrentProcess().PeakWorkingSet64,
        Device = spec.Train.Device,
        Backbone = spec.Backbone,
        GitCommit = GitInfo.Commit,
    };
}
