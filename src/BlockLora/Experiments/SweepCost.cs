using System.Globalization;

namespace BlockLora.Experiments;

/// <summary>
/// What a sweep asks for before it runs: its runs and optimizer steps, in all and still to run (runs already stored are
/// skipped). Counted from the grid alone, so it costs nothing; <see cref="SweepTimeEstimate"/> turns it into hours.
/// </summary>
public sealed record SweepCost(int Runs, int TrainedRuns, long Steps, int RunsToRun, long StepsToRun)
{
    public static SweepCost Of(SweepConfig config) => Of(SweepStatus.Of(config, shardCount: 1));

    public static SweepCost Of(SweepStatus status)
    {
        var toRun = status.Runs.Where(r => r.State != RunState.Done).Select(r => r.Run.Spec).ToArray();
        var all = status.Runs.Select(r => r.Run.Spec).ToArray();
        return new SweepCost(all.Length, all.Count(s => !s.IsZeroShot), all.Sum(s => (long)s.Iterations), toRun.Length, toRun.Sum(s => (long)s.Iterations));
    }

    /// <summary><c>cost: 54 runs (36 trained, 18 zero-shot), 4,680 optimizer steps; to run: ...</c></summary>
    public string Line => string.Create(CultureInfo.InvariantCulture,
        $"cost: {Runs} runs ({TrainedRuns} trained, {Runs - TrainedRuns} zero-shot), {Steps:N0} optimizer steps; still to run: {RunsToRun} runs, {StepsToRun:N0} steps");
}
