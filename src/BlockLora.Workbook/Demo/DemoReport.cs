using System.Globalization;
using System.Text;

namespace BlockLora.Workbook.Demo;

/// <summary>Everything <c>blora demo</c> measured, and where it wrote it.</summary>
/// <param name="Rows">One per run (per seed); the table shows <see cref="Summary"/>, their means over seeds.</param>
/// <param name="Machine">Where <paramref name="Seconds"/> was measured.</param>
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
    double Seconds,
    DemoMachine Machine)
{
    public IReadOnlyList<DemoSummaryRow> Summary => DemoSummaryRow.Summarise(Rows);

    /// <summary>"mean ± sd over 3 seeds", "one seed (no spread)", or "n = 1–3 seeds per point" when the rows differ.</summary>
    public string SeedLabel => DemoChart.SeedLabel(Summary);

    /// <summary>
    /// The results table as fixed-width text: per configuration the top-1 mean ± sd (n seeds), the gain of the mean over
    /// zero-shot, trainable parameters and mean training time; zero-shot once per task, marked deterministic.
    /// </summary>
    public string FormatTable()
    {
        var text = new StringBuilder();
        string header = $"{"task",-15} {"method",-16} {"shots",5} {"iters",6} {"top-1 % (mean ± sd, n)",-22} {"vs zero-shot",12} {"trainable",10} {"train s",8}";
        text.AppendLine(header).AppendLine(new string('-', header.Length));
        var summary = Summary;
        foreach (var task in Tasks)
        {
            var zeroShot = summary.FirstOrDefault(r => r.Task == task.Name && r.Deterministic);
            foreach (var r in summary.Where(r => r.Task == task.Name))
            {
                bool zs = r.Deterministic;
                string gain = zs || zeroShot is null ? "" : (r.Mean - zeroShot.Mean).ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture);
                text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"{r.Task,-15} {r.Label,-16} {(zs ? "-" : r.Shots.ToString(CultureInfo.InvariantCulture)),5} {(zs ? "-" : r.Iterations.ToString(CultureInfo.InvariantCulture)),6} {r.FormatAccuracy(),-22} {gain,12} {r.TrainableParameters,10:N0} {(zs ? "-" : r.TrainSeconds.ToString("F1", CultureInfo.InvariantCulture)),8}"));
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
            $" (the paper protocol uses 500 × shots); AdamW lr {Config.LearningRate.ToString("G", CultureInfo.InvariantCulture)}, cosine; r = {Config.Rank}, q/k/v of both encoders; seeds {string.Join(", ", Config.EffectiveSeeds)}.").AppendLine();
        text.AppendLine($"Accuracies are {SeedLabel} (sample sd, n − 1; \"—\" where one seed has no spread); \"vs zero-shot\" compares means. " +
            "Zero-shot samples no shots and trains nothing, so it is run once: its number is deterministic. " +
            $"The task-switching check loads the adapters of seed {Config.SwitchSeed}.").AppendLine();
        text.AppendLine("```").Append(FormatTable()).AppendLine("```").AppendLine();
        text.AppendLine("```").Append(FormatSwitching()).AppendLine("```").AppendLine();
        text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"Total wall time of the whole demo: {Seconds / 60:F1} min on {Machine.Describe()}."));
        return text.ToString();
    }
}
