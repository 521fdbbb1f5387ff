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
            sweeps.Add((grid, Sweep.Run(profile.TableSweep(grid), progress)));
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
}
