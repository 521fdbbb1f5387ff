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
        var dataset = new Option<string[]>("--dataset")
        {
            Description = "check only these datasets (names as in train; repeat the option or separate with commas); default: every catalog dataset and every blora-dataset.json folder",
            AllowMultipleArgumentsPerToken = true,
        };
        var verify = new Option<bool>("--verify") { Description = "also decode every image the splits name, in parallel, with the decoder training uses (slow: minutes for the full benchmarks)" };
        var json = new Option<string?>("--json") { Description = "also write the report as JSON to this file (atomically)" };
        var command = new Command("check",
            "Check the datasets under a root: classes and images per split, the shortest class against k = 16, split-file, label and file problems; "
            + "exit 0 when every dataset present is usable, 1 when one has a problem, 2 on bad input")
            { root, dataset, verify, json };
        command.SetAction(r =>
        {
            bool usable = true;
            int code = UserErrors.Run(() =>
            {
                string dir = r.GetValue(root)!;
                string[] names = (r.GetValue(dataset) ?? []).SelectMany(d => CommaList.Parse(d, n => n)).ToArray();
                bool decode = r.GetValue(verify);
                var reports = DataCheck.Inspect(dir, names, new DataCheckOptions(decode, decode ? VerifyProgressLine() : null));
                Console.Write(DataCheckSummary.FormatText(dir, reports, decode));
                if (r.GetValue(json) is { } file)
                {
                    DataCheckSummary.WriteJson(file, dir, reports, decode);
                    Console.WriteLine($"report: {Path.GetFullPath(file)}");
                }
                usable = DataCheck.AllPresentUsable(reports);
            });
            return code != 0 ? code : usable ? 0 : 1;
        });
        return command;
    }

    // On a terminal one line rewritten in place; redirected (logs, CI), a plain line every 10 % so the log stays short.
    private static Action<ImageVerifyProgress> VerifyProgressLine()
    {
        bool plain = Console.IsErrorRedirected;
        int lastTenth = -1, lastWidth = 0;
        bool finished = false;
        return p =>
        {
            if (finished) return;
            finished = p.IsFinished;
            string eta = p.IsFinished ? $"done in {p.Elapsed:hh\\:mm\\:ss}" : p.Remaining is { } left ? $"ETA {left:hh\\:mm\\:ss}" : "";
            string line = $"verify: {p.Done}/{p.Total} images decoded ({(p.Total == 0 ? 100 : 100.0 * p.Done / p.Total):F0}%), {p.Failed} failed, {eta}";
            if (plain)
            {
                int tenth = p.Total == 0 ? 10 : 10 * p.Done / p.Total;
                if (tenth == lastTenth && !p.IsFinished) return;
                lastTenth = tenth;
                Console.Error.WriteLine(line);
                return;
            }
            Console.Error.Write("\r" + line.PadRight(lastWidth));
            lastWidth = line.Length;
            if (p.IsFinished) Console.Error.WriteLine();
        };
    }

    private static Command DownloadWeights()
    {
        var model = new Argument<string>("MODEL") { Description = "OpenAI model name, e.g. ViT-B/16", DefaultValueFactory = _ => ClipWeights.DefaultModel };
        var dest = new Argument<string>("DEST") { Description = "folder to save the .pt into", DefaultValueFactory = _ => ClipWeights.DefaultFolder };
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
