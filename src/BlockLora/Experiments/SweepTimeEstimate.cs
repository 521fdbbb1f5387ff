using System.Diagnostics;
using System.Globalization;
using BlockLora.Adapters;
using BlockLora.Checkpoints;
using BlockLora.Clip;
using BlockLora.Text;
using BlockLora.Torch;
using BlockLora.Training;
using static TorchSharp.torch;

namespace BlockLora.Experiments;

/// <summary>
/// A sweep's training time, estimated on this machine before committing hours to it: a few optimizer steps of one
/// representative run (the longest of those still to run) are timed at its real shapes (model, adapter, batch size,
/// class count, device and precision) on synthetic batches, and the time per step is multiplied by the steps still to
/// run. An estimate: runs of other adapters or datasets differ per step, and image loading, evaluation and loading the
/// model are not in it.
/// </summary>
public sealed record SweepTimeEstimate(SweepCost Cost, string Representative, int TimedSteps, double SecondsPerStep)
{
    /// <summary>Steps timed after one untimed warm-up step (first-step allocations and kernel selection).</summary>
    public const int DefaultTimedSteps = 5;

    /// <summary>The estimated training time for <see cref="SweepCost.StepsToRun"/>.</summary>
    public TimeSpan Training => TimeSpan.FromSeconds(SecondsPerStep * Cost.StepsToRun);

    /// <summary>Counts the sweep and times <paramref name="timedSteps"/> steps of its representative run here (loads its model).</summary>
    /// <exception cref="ArgumentException">The representative's device or precision is not available here.</exception>
    public static SweepTimeEstimate Of(SweepConfig config, int timedSteps = DefaultTimedSteps)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(timedSteps);
        var status = SweepStatus.Of(config, shardCount: 1);
        var cost = SweepCost.Of(status);
        var trained = status.Runs.Where(r => !r.Run.Spec.IsZeroShot).ToArray();
        var candidates = trained.Where(r => r.State != RunState.Done).ToArray() is { Length: > 0 } pending ? pending : trained;
        if (candidates.Length == 0) return new SweepTimeEstimate(cost, "none (zero-shot only)", 0, 0);
        var representative = candidates.MaxBy(r => r.Run.Spec.Iterations)!.Run;
        double seconds = TimeSteps(representative.Spec, timedSteps);
        return new SweepTimeEstimate(cost, Describe(representative.Spec), timedSteps, seconds);
    }

    private static string Describe(RunSpec spec) => string.Create(CultureInfo.InvariantCulture,
        $"{AdapterMethods.Format(spec.Method)} r={spec.Adapter.Rank} n={spec.Method.Blocks(spec.Adapter.Blocks)} on {spec.Dataset}, {spec.Shots} shots, {spec.Iterations} steps, batch {Batch(spec)}, {PrecisionSelection.Name(spec.ComputeDType)} on {spec.Train.Device}");

    /// <summary>Seconds per optimizer step of <paramref name="spec"/>'s training on this machine, as its run would compute it.</summary>
    public static double TimeSteps(RunSpec spec, int timedSteps)
    {
        var target = ComputeTarget.Resolve(spec.Train.Precision, spec.Train.Device);
        int classes = Classes(spec);
        using var model = ClipCheckpoint.Load(spec.ModelPath);
        ModelPlacement.Place(model, target);
        using var adapters = AdapterInjector.Inject(model, spec.ResolvedAdapter);
        var c = model.Config;
        using var generator = new Generator((ulong)spec.Seed);
        int batch = Batch(spec);
        using var pixels = randn([batch, 3, c.ImageResolution, c.ImageResolution], generator: generator).to(target.Device);
        using var labels = randint(classes, [batch], generator: generator).to(target.Device);
        // The run's own prompts would name its classes; names change token counts only slightly, so numbered ones stand in.
        var prompts = PromptTemplate.Format(spec.Train.Template, Enumerable.Range(0, classes).Select(i => $"class {i}"));
        using var tokens = tensor(ClipTokenizer.Default.Tokenize(prompts, c.ContextLength)).to(target.Device);
        using var cachedText = spec.ResolvedAdapter.Encoders.HasFlag(AdapterEncoders.Text) ? null : TrainingStep.FrozenTextFeatures(model, tokens);
        using var optimizer = optim.AdamW(adapters.TrainableParameters(), spec.Train.LearningRate, spec.Train.Beta1, spec.Train.Beta2, eps: 1e-8, weight_decay: spec.Train.WeightDecay);
        var step = new TrainingStep(model, optimizer, tokens, cachedText, spec.Train.LogitScale, target.DType == ScalarType.Float16 ? new LossScaler() : null);
        model.train();
        try
        {
            var clock = new Stopwatch();
            for (int i = 0; i <= timedSteps; i++)
            {
                if (i == 1) clock.Start();
                using var scope = NewDisposeScope();
                var (loss, _) = step.Run(pixels, labels);
                _ = loss.item<float>(); // the Trainer reads every loss, which also waits for a GPU to finish the step
            }
            return clock.Elapsed.TotalSeconds / timedSteps;
        }
        finally
        {
            model.eval();
        }
    }

    /// <summary>The classes the run trains on: its dataset's, or the base half (⌈C/2⌉) of them.</summary>
    private static int Classes(RunSpec spec)
    {
        int count = spec.ResolveDataset(spec.Dataset).ClassCount;
        return spec.Classes == Data.ClassSubset.Base ? (count + 1) / 2 : count;
    }

    /// <summary>A k-shot set smaller than the batch size is one batch of all of it.</summary>
    private static int Batch(RunSpec spec) => Math.Min(spec.Train.BatchSize, Classes(spec) * spec.Shots);

    /// <summary>The cost line, then the estimate with what it rests on and what it leaves out.</summary>
    public IEnumerable<string> Lines()
    {
        yield return Cost.Line;
        if (TimedSteps == 0)
        {
            yield return "estimate: no training steps (zero-shot only); evaluation time is not estimated";
            yield break;
        }
        yield return string.Create(CultureInfo.InvariantCulture,
            $"estimate: {SecondsPerStep:0.000} s per step ({TimedSteps} steps timed here of the longest run to do: {Representative}) x {Cost.StepsToRun:N0} steps = about {Format(Training)} of training");
        yield return "estimate: an extrapolation, not a measurement: other runs' adapters and datasets differ per step, and image loading, evaluation and model loading are not included";
    }

    /// <summary>Seconds under two minutes, minutes under two hours, else hours.</summary>
    public static string Format(TimeSpan time) => time.TotalSeconds < 120
        ? string.Create(CultureInfo.InvariantCulture, $"{time.TotalSeconds:0} s")
        : time.TotalMinutes < 120 ? string.Create(CultureInfo.InvariantCulture, $"{time.TotalMinutes:0} min") : string.Create(CultureInfo.InvariantCulture, $"{time.TotalHours:0.0} h");
}
