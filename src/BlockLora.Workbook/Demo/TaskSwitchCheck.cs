using System.Diagnostics;
using BlockLora.Adapters;
using BlockLora.Clip;
using BlockLora.Data;
using BlockLora.Evaluation;
using BlockLora.Text;
using BlockLora.Training;

namespace BlockLora.Workbook.Demo;

/// <summary>An adapter file to put in the bank, the task it was trained on, and the accuracy its run recorded.</summary>
public sealed record SwitchCandidate(string Name, DemoTask Task, string AdapterPath, double RecordedAccuracy);

/// <summary>
/// Task switching as a deployment would do it: several adapters loaded from their files into one
/// <see cref="AdapterBank"/> on one loaded base model; each is activated (merged) in turn and must
/// reproduce its run's accuracy exactly; switches are timed; after deactivating, every base parameter
/// must equal its value at load time bit for bit.
/// </summary>
public static class TaskSwitchCheck
{
    public static TaskSwitchReport Run(ClipModel model, BaseSnapshot loaded, string dataRoot, IReadOnlyList<SwitchCandidate> candidates,
        string template, int workers, int switches, ITrainProgress? progress = null)
    {
        progress ??= SilentTrainProgress.Instance;
        if (candidates.Count < 2) throw new ArgumentException("task switching needs at least two adapters");
        using var bank = new AdapterBank(model);
        foreach (var c in candidates) bank.Add(c.Name, AdapterFile.Load(c.AdapterPath, model.Config));

        var measured = new List<SwitchedAdapter>();
        foreach (var c in candidates)
        {
            bank.Activate(c.Name, merged: true);
            var splits = DatasetReader.Read(dataRoot, c.Task.Dataset);
            // Batch 64, as FewShotRun evaluates, so the numbers can match to the last bit.
            var result = Evaluator.Evaluate(model, splits.Test, PromptTemplate.Format(template, splits.ClassNames), 64, workers);
            measured.Add(new SwitchedAdapter(c.Name, c.Task.Name, c.RecordedAccuracy, result.Top1));
            progress.OnMessage($"switched to {c.Name}: top-1 {result.Top1:F2}% (its run recorded {c.RecordedAccuracy:F2}%)");
        }

        var times = new List<double>(switches);
        for (int i = 0; i < switches; i++)
        {
            string next = candidates[i % candidates.Count].Name;
            if (bank.ActiveName == next) next = candidates[(i + 1) % candidates.Count].Name;
            long start = Stopwatch.GetTimestamp();
            bank.Activate(next, merged: true);
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        times.Sort();
        bank.Deactivate();
        var differing = loaded.Differences(model);
        if (differing.Count > 0) progress.OnMessage($"base parameters changed: {string.Join(", ", differing.Take(5))}{(differing.Count > 5 ? ", …" : "")}");
        return new TaskSwitchReport(measured, switches, times[times.Count / 2], loaded.Count, differing.Count == 0);
    }
}
