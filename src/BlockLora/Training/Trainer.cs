using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using BlockLora.Adapters;
using BlockLora.Clip;
using BlockLora.Data;
using BlockLora.Imaging;
using BlockLora.Text;
using BlockLora.Torch;
using static TorchSharp.torch;

namespace BlockLora.Training;

/// <summary>
/// Few-shot training of the adapters on a frozen CLIP, by the protocol of docs/method.md: AdamW on the
/// adapter parameters only, cosine schedule, cross-entropy on <c>scale · cos(image, text)</c> with one
/// prompt per class. Text features are recomputed (with gradients) each step when the text encoder is
/// adapted, and computed once otherwise. Every step's randomness (batch order, augmentation, dropout)
/// is a function of (seed, iteration), so a resumed run ends exactly where an uninterrupted one does.
/// </summary>
public sealed class Trainer(ClipModel model, AdapterSet adapters, TrainConfig config, ITrainProgress? progress = null)
{
    private readonly ITrainProgress progress = progress ?? SilentTrainProgress.Instance;

    /// <param name="selection">
    /// The k-shot subset: its items, its class names in label order (the prompt is <see cref="TrainConfig.Template"/>
    /// with each), and the run's shot count and seed, which set the schedule length and every step's randomness.
    /// </param>
    /// <param name="session">The run's identity (the checkpoint's fingerprint) and where its checkpoint and metrics go.</param>
    /// <remarks>
    /// Trains where the model is, in the dtype it holds (<see cref="ModelPlacement.Place"/>): the run resolved its device
    /// and precision once, so <see cref="TrainConfig.Device"/> and <see cref="TrainConfig.Precision"/> are not read here.
    /// </remarks>
    public TrainResult Train(FewShotSelection selection, TrainSession session)
    {
        var (trainItems, classNames, seed) = (selection.Items, selection.ClassNames, selection.Seed);
        var (checkpointPath, resume, metricsPath) = (session.CheckpointPath, session.Resume, session.MetricsPath);
        config.Validate(selection.Shots);
        if (trainItems.Count == 0) throw new ArgumentException("no training images");
        PeakMemory.Reset(); // this run's peak, not the largest of every run this process has made
        var device = ModuleDevice.Of(model);
        var dtype = model.ComputeDType;
        if (adapters.TrainableParameters().Any(p => p.device.ToString() != device.ToString()))
        {
            adapters.Detach();
            adapters.MoveTo(device);
            adapters.AttachTo(model);
        }
        int total = config.TotalIterations(selection.Shots);
        bool textAdapted = adapters.Config.Encoders.HasFlag(AdapterEncoders.Text);

        var prompts = PromptTemplate.Format(config.Template, classNames);
        using var tokens = tensor(ClipTokenizer.Default.Tokenize(prompts, model.Config.ContextLength)).to(device);
        using var cachedText = textAdapted ? null : TrainingStep.FrozenTextFeatures(model, tokens);

        using var optimizer = optim.AdamW(adapters.TrainableParameters(), config.LearningRate, config.Beta1, config.Beta2, eps: 1e-8, weight_decay: config.WeightDecay);
        var scaler = dtype == ScalarType.Float16 ? new LossScaler() : null;
        var step = new TrainingStep(model, optimizer, tokens, cachedText, config.LogitScale, scaler);
        string fingerprint = Fingerprint(session.Identity, selection);
        int start = 0;
        if (resume && checkpointPath is not null && File.Exists(checkpointPath))
        {
            start = TrainingCheckpoint.Load(checkpointPath, adapters, optimizer, fingerprint, scaler);
            progress.OnMessage($"resuming from iteration {start} ({checkpointPath})");
        }
        else if (checkpointPath is not null && File.Exists(checkpointPath))
        {
            progress.OnMessage($"starting over: {checkpointPath} from an interrupted run is ignored (resume it with --resume)");
        }

        // Elapsed time goes on from the last kept row: a resumed run's time counts every session, not just this one.
        double elapsedBefore = metricsPath is null ? 0 : MetricsLog.Restart(metricsPath, start) is [.., var last] ? last.ElapsedSeconds : 0;

        using var loader = new PrefetchingLoader(trainItems, LoaderTransform.Train(new TrainAugmentation(model.Config.ImageResolution, minScale: config.MinCropScale)), LoaderOptions.Training(seed, config.BatchSize) with
        {
            MaxParallelism = config.DataWorkers,
        });
        var curve = new List<TrainPoint>();
        var clock = Stopwatch.StartNew();
        double loss = double.NaN, accuracy = 0;
        long sessionImages = 0;
        model.train();
        try
        {
            int iteration = start;
            foreach (var batch in loader.Batches(start))
            {
                if (iteration >= total) { batch.Dispose(); break; }
                using var scope = NewDisposeScope();
                using var _ = batch;
                // Dropout masks come from the global generator: seed it per step so resuming replays them.
                random.manual_seed(StepSeed(seed, iteration));
                double lr = CosineSchedule.LearningRate(iteration, total, config.LearningRate, config.MinLearningRate);
                foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;

                var labels = batch.Labels.to(device);
                var (lossTensor, logits) = step.Run(batch.Pixels.to(device), labels);

                loss = lossTensor.item<float>();
                if (!double.IsFinite(loss))
                    throw new InvalidOperationException($"loss became {loss} at iteration {iteration + 1} ({PrecisionSelection.Name(dtype)}); try a lower --lr, --precision fp32, or check the data");
                accuracy = logits.argmax(1).eq(labels).to(ScalarType.Float32).mean().item<float>();
                iteration++;
                sessionImages += labels.shape[0];
                curve.Add(new TrainPoint(iteration, loss, accuracy, lr));
                double seconds = clock.Elapsed.TotalSeconds;
                // Logged before progress and checkpoint, so a process killed right after a step still has its row.
                if (metricsPath is not null && (iteration % config.LogEvery == 0 || iteration == total))
                    MetricsLog.Append(metricsPath, new MetricsRow(iteration, loss, lr, accuracy, sessionImages / Math.Max(seconds, 1e-9), elapsedBefore + seconds));
                double rate = (iteration - start) / Math.Max(seconds, 1e-9);
                progress.OnStep(new TrainStep(iteration, total, loss, accuracy, lr, rate, TimeSpan.FromSeconds((total - iteration) / Math.Max(rate, 1e-9))));
                if (checkpointPath is not null && config.CheckpointEvery > 0 && iteration % config.CheckpointEvery == 0 && iteration < total)
                    TrainingCheckpoint.Save(checkpointPath, adapters, optimizer, iteration, fingerprint, scaler);
            }
        }
        finally
        {
            model.eval();
        }
        if (checkpointPath is not null && File.Exists(checkpointPath)) File.Delete(checkpointPath);
        return new TrainResult(total, start, loss, accuracy, clock.Elapsed.TotalSeconds,
            PeakMemory.Peak(), loader.SkippedCount, curve, PrecisionSelection.Name(dtype), scaler?.SkippedSteps ?? 0);
    }

    private static long StepSeed(int seed, int iteration) => unchecked((long)(((ulong)seed * 0x9E3779B97F4A7C15UL) ^ (ulong)iteration) & long.MaxValue);

    /// <summary>
    /// What must match for a checkpoint to resume a run: its identity (which covers every setting that can change the
    /// result, the resolved dtype included, and leaves out intervals and worker counts, so those may change on resume)
    /// and the exact few-shot files, which a sampled run's identity does not name.
    /// </summary>
    public static string Fingerprint(string identity, FewShotSelection selection)
    {
        var text = new StringBuilder();
        text.AppendLine(identity);
        foreach (var item in selection.Items) text.Append(item.Path).Append('|').Append(item.Label).AppendLine();
        foreach (var c in selection.ClassNames) text.AppendLine(c);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
