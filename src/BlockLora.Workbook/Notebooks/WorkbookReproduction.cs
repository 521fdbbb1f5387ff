using BlockLora.Checkpoints;
using BlockLora.Experiments;
using BlockLora.Training;
using BlockLora.Workbook.Charts;
using BlockLora.Workbook.Figures;
using BlockLora.Workbook.Tables;

namespace BlockLora.Workbook.Notebooks;

/// <summary>What a reproduction did: the runs of each grid file (skipped, ran), the tables written and the figures.</summary>
public sealed record ReproductionReport(
    string Profile,
    IReadOnlyList<(string Grid, Sweep.Summary Summary)> Sweeps,
    TablesReport Tables,
    IReadOnlyList<FigureFiles> Figures,
    TimeSpan Elapsed)
{
    public string Summary() => string.Join("\n",
        Sweeps.Select(s => $"{s.Grid}: {s.Summary.Total} runs ({s.Summary.Skipped} already stored, {s.Summary.Ran} ran)")
            .Append(Tables.Summary())
            .Append($"figures: {string.Join(", ", Figures.Select(f => Path.GetFileName(f.Png ?? f.Html)))}")
            .Append($"profile {Profile}: {Elapsed.TotalMinutes:F1} min"));
}

/// <summary>
/// A profile's whole workbook in one call (what <c>scripts/reproduce.cs</c> runs): the data, zero-shot on every
/// dataset, every grid file of <c>experiments/&lt;profile&gt;/</c> (few-shot, transfer, base-to-new, each ablation),
/// then every table (<see cref="TablesJob"/>) and the summary figures. Runs the store already holds are skipped, so after
/// the notebooks (or a Slurm sweep) filled the store it only tables and draws.
/// </summary>
public static class WorkbookReproduction
{
    /// <summary>Prefix of the figures it writes beside the notebooks' in the profile's figures folder.</summary>
    public const string FigurePrefix = "reproduce";

    public static ReproductionReport Run(WorkbookProfile profile, ITrainProgress? progress = null, Action<string>? log = null)
    {
        log ??= _ => { };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var problems = profile.Prepare();
        if (problems.Count > 0) throw new InvalidOperationException($"profile {profile.Name} is not ready: {string.Join("; ", problems)}");

        log($"zero-shot on {profile.AllDatasets.Count} datasets");
        using (var model = ClipCheckpoint.Load(profile.ModelPath))
            foreach (var dataset in profile.AllDatasets) WorkbookExperiments.ZeroShot(model, profile, dataset);

        var sweeps = new List<(string, Sweep.Summary)>();
        foreach (string grid in profile.TableGridNames())
        {
            log($"grid {grid}.yaml");
            sweeps.Add((grid, WorkbookExperiments.RunOrPlan(profile, profile.TableSweep(grid), progress)));
        }

        log("tables");
        var tables = TablesJob.Run(profile.TablesConfig(Path.Combine(profile.ResultsDir, "tables")));
        var byName = tables.Tables.ToDictionary(t => t.Name);
        var figures = new FigureWriter(profile.FiguresDir, FigurePrefix);
        var paper = PaperNumbers.Load(profile.PaperDir);
        if (byName.TryGetValue("fewshot", out var fewShot))
            figures.Save(WorkbookCharts.AccuracyVsShots(fewShot.ComparisonRows(), paper, "Accuracy against shots", profile.Description), "accuracy-vs-shots", 1100, 800);
        if (byName.ContainsKey("ablation-methods"))
        {
            var methods = WorkbookExperiments.Ablation(profile, "ablation-methods");
            figures.Save(methods.ParametersChart("LoRA's family: accuracy against trainable parameters", profile.Description), "methods", 900, 600);
        }
        if (byName.TryGetValue("ablation-rank-blocks", out var rankBlocks))
        {
            var clip = ClipCheckpoint.ReadConfig(profile.ModelPath);
            var ablation = PaperTables.Ablation(Results.ResultsSummary.MeanOverSeeds(rankBlocks.FoundRows), paper, clip, profile.Adapter, profile.TrainDataset, profile.MainShots);
            figures.Save(WorkbookCharts.AblationHeatmaps(ablation, $"Ablation on {profile.TrainDataset}, {profile.MainShots} shots", profile.Description), "heatmaps", 1000, 760);
        }
        return new ReproductionReport(profile.Name, sweeps, tables, figures.Flush(), clock.Elapsed);
    }

    /// <summary>
    /// One grid file (what <c>scripts/ablation.cs</c> runs): its runs, its table (mean ± sd (n) over seeds, written with
    /// the others under <c>results/&lt;profile&gt;/tables/</c>) and its chart; returns the table as Markdown and the files.
    /// </summary>
    public static string RunGrid(WorkbookProfile profile, string gridName, ITrainProgress? progress = null)
    {
        var problems = profile.Prepare();
        if (problems.Count > 0) throw new InvalidOperationException($"profile {profile.Name} is not ready: {string.Join("; ", problems)}");
        var ablation = WorkbookExperiments.Ablation(profile, gridName, progress);
        var tables = TablesJob.Run(profile.TablesConfig(Path.Combine(profile.ResultsDir, "tables")) with { GridFiles = [ablation.FilePath] });
        var figures = new FigureWriter(profile.FiguresDir, $"{FigurePrefix}-{ablation.Name}");
        var (zeroShot, classes) = GridAblation.References(profile);
        figures.Save(gridName == "ablation-methods"
            ? ablation.ParametersChart($"{ablation.Description}", profile.Description, zeroShot, classes)
            : ablation.Chart(ablation.Description, profile.Description, zeroShot, classes), "chart", 900, 600);
        var written = figures.Flush();
        return string.Join("\n", tables.Tables.Select(t => t.ToMarkdown())
            .Append($"{ablation.Summary.Total} runs ({ablation.Summary.Skipped} already stored, {ablation.Summary.Ran} ran); files: "
                + string.Join(", ", tables.Files.Concat(written.Select(f => f.Png ?? f.Html)).Select(f => Path.GetRelativePath(profile.RepoRoot, f)))));
    }

    /// <summary>
    /// What a profile (or one of its grid files) would run, counted from the grid files alone (no weights needed): runs and
    /// optimizer steps per file, and the commands that estimate the time on this device and fill the same store on Slurm.
    /// </summary>
    public static string Plan(WorkbookProfile profile, string? gridName = null)
    {
        var grids = gridName is null ? profile.TableGridNames() : [gridName];
        var lines = new List<string> { $"profile {profile.Name}: {profile.Description}" };
        long allSteps = 0;
        int allRuns = 0;
        foreach (string grid in grids)
        {
            var planned = profile.TableSweep(grid).PlannedRuns();
            long steps = planned.Sum(r => (long)r.Spec.Iterations);
            allSteps += steps;
            allRuns += planned.Count;
            lines.Add(FormattableString.Invariant($"  {grid}.yaml: {planned.Count} runs, {steps:N0} optimizer steps"));
        }
        lines.Add(FormattableString.Invariant($"  in all: {allRuns} runs, {allSteps:N0} optimizer steps (runs shared between files are counted once per file and trained once)"));
        string first = Shown(profile, profile.AblationFile(gridName ?? "fewshot"));
        string model = Shown(profile, profile.ModelPath), data = Shown(profile, profile.DataRoot);
        lines.Add($"time on this device: blora sweep --grid {first} --model {model} --data-root {data} --dry-run --estimate");
        lines.Add($"on a Slurm cluster: blora sweep --grid {first} --model {model} --data-root {data} --results {Shown(profile, profile.ResultsDir)} --slurm job.sh --shards 8 --submit");
        return string.Join("\n", lines);
    }

    /// <summary>A path as a command line shows it: relative inside the repository, from ~ under the home folder.</summary>
    private static string Shown(WorkbookProfile profile, string path)
    {
        string full = Path.GetFullPath(path), home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (full.StartsWith(profile.RepoRoot + Path.DirectorySeparatorChar, StringComparison.Ordinal)) return Path.GetRelativePath(profile.RepoRoot, full);
        return home.Length > 0 && full.StartsWith(home + Path.DirectorySeparatorChar, StringComparison.Ordinal) ? "~" + full[home.Length..] : full;
    }
}
