using System.CommandLine;
using BlockLora.Experiments;

namespace BlockLora.Cli.Commands;

/// <summary><c>blora results list | show | diff</c>: the runs a results folder holds, one run in full, two runs side by side.</summary>
public static class ResultsCommand
{
    public static Command Create()
    {
        var command = new Command("results", "List, show and compare the runs of a results folder");
        command.Subcommands.Add(List());
        command.Subcommands.Add(Show());
        command.Subcommands.Add(Diff());
        return command;
    }

    private static Option<string> ResultsOption() => new("--results")
    {
        Description = RunSettings.Get("results").Description, DefaultValueFactory = _ => RunSettings.Get("results").Default!,
    };

    private static Command List()
    {
        var results = ResultsOption();
        var where = new Option<string[]>("--where")
        {
            Description = "only runs with this setting (option name such as rank, lr, dataset, or a dotted config path such as training.lr); repeat to require several",
        };
        var command = new Command("list", "One line per run: id, dataset, shots, seed, method, the settings that vary, accuracy, date") { results, where };
        command.SetAction(r => UserErrors.Run(() => Print(StoredRuns.List(r.GetValue(results)!, r.GetValue(where) ?? []).Format())));
        return command;
    }

    private static Command Show()
    {
        var results = ResultsOption();
        var id = new Argument<string>("id") { Description = "run id or a unique prefix of it (at least 4 hex digits)" };
        var command = new Command("show", "One run: its config, accuracy per evaluated set, training metrics and files") { id, results };
        command.SetAction(r => UserErrors.Run(() => Print(StoredRuns.Show(r.GetValue(results)!, r.GetValue(id)!).Format())));
        return command;
    }

    private static Command Diff()
    {
        var results = ResultsOption();
        var a = new Argument<string>("id1") { Description = "run id or a unique prefix of it" };
        var b = new Argument<string>("id2") { Description = "run id or a unique prefix of it" };
        var command = new Command("diff", "The settings two runs differ in, and both runs' accuracies") { a, b, results };
        command.SetAction(r => UserErrors.Run(() => Print(StoredRuns.Diff(r.GetValue(results)!, r.GetValue(a)!, r.GetValue(b)!).Format())));
        return command;
    }

    private static void Print(IEnumerable<string> lines)
    {
        foreach (var line in lines) Console.WriteLine(line);
    }
}
