using System.CommandLine;
using BlockLora.Data;
using BlockLora.Experiments;
using BlockLora.Workbook.Notebooks;
using BlockLora.Workbook.Tables;

namespace BlockLora.Cli.Commands;

/// <summary>
/// <c>blora tables</c>: every table of a profile (or the given grid files) rebuilt from a results folder, as CSV and
/// Markdown, with no notebook: the same <see cref="TablesJob.Run"/> notebook 06 calls.
/// </summary>
public static class TablesCommand
{
    public static Command Create()
    {
        var results = new Option<string>("--results") { Description = "results folder (results.csv and shards/*.csv, read merged)", Required = true };
        var grids = new Option<string[]>("--grid") { Description = "grid file declaring a table (table: fewshot, base-to-new, cross-dataset, domain-generalization or ablation); repeatable; default: every table grid of the profile's experiments/ folder", AllowMultipleArgumentsPerToken = true };
        var output = new Option<string?>("--output") { Description = "folder for the CSV and Markdown files (default: <results>/tables)" };
        var profile = new Option<string?>("--profile") { Description = "smoke or paper: whose experiments/ grids and custom datasets to use (default: smoke when the results folder is called smoke, else paper)" };
        var dataRoot = new Option<string?>("--data-root") { Description = "data folder, for the custom datasets (blora-dataset.json) a grid names" };
        var backbone = new Option<string?>("--backbone") { Description = "take the rows of this backbone (name or fingerprint prefix) when the store holds several" };
        var precision = new Option<string?>("--precision") { Description = "take the rows of this precision (fp32, bf16, fp16) when the store holds several" };
        var command = new Command("tables", "Rebuild the tables (few-shot, base-to-new, transfer, ablations) from a results folder: mean ± sd over seeds, published numbers, missing runs") { results, grids, output, profile, dataRoot, backbone, precision };
        command.SetAction(r => UserErrors.Run(() =>
        {
            string dir = r.GetValue(results)!;
            string name = r.GetValue(profile) ?? (Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(dir))) == WorkbookProfile.SmokeName ? WorkbookProfile.SmokeName : WorkbookProfile.PaperName);
            var given = r.GetValue(grids) ?? [];
            // The profile supplies the custom datasets and, without --grid, its grid files; outside the repository only --grid works.
            WorkbookProfile? known = given.Length == 0 || r.GetValue(profile) is not null || name == WorkbookProfile.SmokeName ? WorkbookProfile.ByName(name) : null;
            var config = known?.TablesConfig() ?? new TablesConfig
            {
                ResultsDir = dir,
                GridFiles = given,
                TableBase = RunSettings.Defaults(),
                PaperDir = Path.Combine(WorkbookProfile.FindRepoRoot(AppContext.BaseDirectory), "results", "paper"),
            };
            var customs = r.GetValue(dataRoot) is { } root ? CustomDatasetFile.Discover(root) : config.TableBase.CustomDatasets;
            config = config with
            {
                ResultsDir = dir,
                GridFiles = given.Length > 0 ? given : config.GridFiles,
                OutputDir = r.GetValue(output) ?? Path.Combine(dir, "tables"),
                TableBase = config.TableBase with { CustomDatasets = customs },
                Selection = new TableSelection(r.GetValue(backbone), r.GetValue(precision)),
            };
            var report = TablesJob.Run(config);
            foreach (var table in report.Tables) Console.WriteLine(table.ToMarkdown());
            Console.WriteLine(report.Summary());
        }));
        return command;
    }
}
