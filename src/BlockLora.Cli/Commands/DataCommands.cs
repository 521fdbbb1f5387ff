using System.CommandLine;
using BlockLora.Data;

namespace BlockLora.Cli.Commands;

/// <summary><c>blora data …</c>: what is on disk, and how to fetch what is missing.</summary>
public static class DataCommands
{
    public static Command Create()
    {
        var data = new Command("data", "Check, download and arrange datasets");
        data.Subcommands.Add(Check());
        return data;
    }

    private static Command Check()
    {
        var root = new Option<string>("--root") { Description = "folder holding the datasets in CoOp layout", Required = true };
        var command = new Command("check", "List which datasets are present or missing under a root, with the fix for each") { root };
        command.SetAction(r => UserErrors.Run(() =>
        {
            string dir = r.GetValue(root)!;
            if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"{dir}: folder not found");
            Console.Write(DataCheck.FormatTable(DataCheck.Run(dir)));
        }));
        return command;
    }
}
