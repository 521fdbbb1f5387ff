using System.CommandLine;
using BlockLora.Data;
using BlockLora.Data.Downloads;

namespace BlockLora.Cli.Commands;

/// <summary><c>blora data …</c>: what is on disk, and how to fetch what is missing.</summary>
public static class DataCommands
{
    public static Command Create()
    {
        var data = new Command("data", "Check, download and arrange datasets");
        data.Subcommands.Add(Check());
        data.Subcommands.Add(DownloadWeights());
        data.Subcommands.Add(Fetch());
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

    private static Command DownloadWeights()
    {
        var model = new Argument<string>("MODEL") { Description = "OpenAI model name, e.g. ViT-B/16", DefaultValueFactory = _ => "ViT-B/16" };
        var dest = new Argument<string>("DEST") { Description = "folder to save the .pt into", DefaultValueFactory = _ => Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "clip") };
        var baseUrl = new Option<string?>("--base-url") { Description = "mirror of openaipublic.azureedge.net/clip/models" };
        var command = new Command("download-weights", "Download OpenAI CLIP weights, verifying the SHA-256 that is part of their URL") { model, dest, baseUrl };
        command.SetAction(r => UserErrors.Run(() =>
        {
            string path = ClipWeights.Download(r.GetValue(model)!, r.GetValue(dest)!, new ProgressLog(Console.Error.WriteLine), r.GetValue(baseUrl));
            Console.WriteLine(path);
        }));
        return command;
    }

    private static Command Fetch()
    {
        var name = new Argument<string>("NAME") { Description = "dataset name, or 'all'" };
        var root = new Argument<string>("ROOT") { Description = "data root (CoOp layout)" };
        var dryRun = new Option<bool>("--dry-run") { Description = "list the steps without downloading or writing" };
        var keep = new Option<bool>("--keep-archives") { Description = "keep downloaded archives under ROOT/archives" };
        var command = new Command("fetch", "Download and arrange a dataset into the CoOp layout; prints the steps that must be done by hand") { name, root, dryRun, keep };
        command.SetAction(r => UserErrors.Run(() =>
            DatasetFetchers.Fetch(r.GetValue(name)!, r.GetValue(root)!, r.GetValue(dryRun), Console.WriteLine, r.GetValue(keep))));
        return command;
    }
}
