using System.CommandLine;
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
            var report = TablesJob.Run(new TablesRequest
            {
                ResultsDir = r.GetValue(results)!,
                GridFiles = r.GetValue(grids) ?? [],
                OutputDir = r.GetValue(output),
                Profile = r.GetValue(profile),
                DataRoot = r.GetValue(dataRoot),
                Selection = new TableSelection(r.GetValue(backbone), r.GetValue(precision)),
            }.Resolve());
            foreach (var table in report.Tables) Console.WriteLine(table.ToMarkdown());
            Console.WriteLine(report.Summary());
        }));
        return command;
    }
}
