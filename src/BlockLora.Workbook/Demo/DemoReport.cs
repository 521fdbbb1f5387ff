using System.Globalization;
using System.Text;
using BlockLora.Adapters;
using BlockLora.Experiments;

namespace BlockLora.Workbook.Demo;

/// <summary>Everything <c>blora demo</c> measured, and where it wrote it.</summary>
public sealed record DemoReport(
    DemoConfig Config,
    IReadOnlyList<DemoTask> Tasks,
    IReadOnlyList<DemoRow> Rows,
    TaskSwitchReport Switching,
    string ResultsCsv,
    string HtmlPath,
    string? PngPath,
    string? PngMessage,
    string SummaryPath,
    double Seconds)
{
    /// <summary>The results table as fixed-width text: accuracy, gain over zero-shot, trainable parameters and training time per method.</summary>
    public string FormatTable()
    {
        var text = new StringBuilder();
        string header = $"{"task",-15} {"method",-16} {"shots",5} {"iters",6} {"top-1 %",8} {"vs zero-shot",12} {"trainable",10} {"train s",8}";
        text.AppendLine(header).AppendLine(new string('-', header.Length));
        foreach (var task in Tasks)
        {
            var zeroShot = Rows.FirstOrDefault(r => r.Task == task.Name && r.Method == AdapterMethod.ZeroShot);
            foreach (var r in Rows.Where(r => r.Task == task.Name))
            {
                bool zs = r.Method == AdapterMethod.ZeroShot;
                string gain = zs || zeroShot is null ? "" : (r.Accuracy - zeroShot.Accuracy).ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture);
                text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"{r.Task,-15} {r.Label,-16} {(zs ? "-" : r.Shots.ToString(CultureInfo.InvariantCulture)),5} {(zs ? "-" : r.Iterations.ToString(CultureInfo.InvariantCulture)),6} {r.Accuracy,8:F1} {gain,12} {r.TrainableParameters,10:N0} {(zs ? "-" : r.TrainSeconds.ToString("F1", CultureInfo.InvariantCulture)),8}"));
            }
        }
        return text.ToString();
    }

    /// <summary>The task-switching figures, one line each.</summary>
    public string FormatSwitching()
    {
        var text = new StringBuilder();
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"task switching: {Switching.Adapters.Count} adapters in one AdapterBank on one loaded base model; median switch (unmerge + merge) {Switching.MedianSwitchMilliseconds:F2} ms over {Switching.Switches} switches"));
        foreach (var a in Switching.Adapters)
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"  {a.Name}: top-1 after switching {a.MeasuredAccuracy:F2}% vs {a.RecordedAccuracy:F2}% when trained: {(a.Reproduced ? "reproduced exactly" : "DIFFERENT")}"));
        text.AppendLine($"  base weights after switching back: {(Switching.BaseRestored ? "bit-identical" : "CHANGED")} to the loaded checkpoint ({Switching.ParametersCompared} parameter tensors compared byte for byte)");
        text.AppendLine($"  switching check: {(Switching.Passed ? "PASSED" : "FAILED")}");
        return text.ToString();
    }

    public string FormatSummary()
    {
        var text = new StringBuilder();
        text.AppendLine("# blora demo").AppendLine();
        string model = Path.GetFullPath(Config.ModelPath) == Path.GetFullPath(DemoModel.BundledPath) ? $"the bundled {DemoModel.FileName}" : Config.ModelPath;
        text.AppendLine($"Model: `{model}`. Tasks (classes the model never saw in pretraining):");
        foreach (var t in Tasks) text.AppendLine($"- {t.Name}: {t.Title}; {t.ClassNames.Count} classes, {t.TrainImagesPerClass} train images per class to sample shots from, {t.TestImages} test images");
        text.AppendLine().AppendLine("Iterations: " + string.Join(", ", Config.EffectiveShots.Select(s => $"{s}-shot {Config.IterationsFor(s)}")) +
            $" (the paper protocol uses 500 × shots); AdamW lr {Config.LearningRate.ToString("G", CultureInfo.InvariantCulture)}, cosine; r = {Config.Rank}, q/k/v of both encoders; seed {Config.Seed}.").AppendLine();
        text.AppendLine("```").Append(FormatTable()).AppendLine("```").AppendLine();
        text.AppendLine("```").Append(FormatSwitching()).AppendLine("```").AppendLine();
        text.AppendLine($"Total wall time: {Seconds / 60:F1} min on {Environment.ProcessorCount} CPU cores.");
        return text.ToString();
    }
}
