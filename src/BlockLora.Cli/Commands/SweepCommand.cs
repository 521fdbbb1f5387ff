using System.CommandLine;
using System.Globalization;
using System.Reflection;
using BlockLora.Cluster;
using BlockLora.Experiments;
using BlockLora.Results;
using BlockLora.Torch;

namespace BlockLora.Cli.Commands;

/// <summary>
/// <c>blora sweep</c>: a grid of runs from the command line (<c>--datasets a,b --ranks 2,4</c>, any option with
/// <c>|</c> alternatives) and/or a grid file; run here, as one shard of several, listed with its cost (<c>--dry-run</c>, and a time estimate with <c>--estimate</c>), reported
/// (<c>--status</c>), or written and submitted as a Slurm job array (<c>--slurm FILE --submit</c>).
/// </summary>
public static class SweepCommand
{
    /// <summary>The sweep's grid axes when neither the command line nor the grid file sets them: the full protocol.</summary>
    private static readonly Dictionary<string, string> SweepDefaults = new()
    {
        ["shots"] = "1,2,4,8,16",
        ["seed"] = "1,2,3",
        ["method"] = "zero-shot,lora,block-lora",
    };

    private static readonly Dictionary<string, string> PluralNames = new()
    {
        ["dataset"] = "--datasets", ["seed"] = "--seeds", ["method"] = "--methods", ["rank"] = "--ranks",
    };

    public static Command Create() => Build("sweep", "Run a grid of few-shot runs over any options; rerun the same command to resume (finished runs are skipped)",
        SweepDefaults, protocol: []);

    /// <summary>
    /// <c>blora base-to-new</c>: the base-to-new protocol as a sweep whose runs train on the base half of each dataset's
    /// classes and are scored on both halves (zero-shot too), with the protocol's defaults (16 shots, seeds 1-3, all
    /// three methods). Everything a sweep does it does: grid files, --dry-run, --status, shards, Slurm arrays.
    /// </summary>
    public static Command CreateBaseToNew() => Build("base-to-new",
        "Base-to-new generalization: train on the base half of each dataset's classes, score base and new; resumable like a sweep",
        new Dictionary<string, string> { ["shots"] = "16", ["seed"] = "1,2,3", ["method"] = "zero-shot,lora,block-lora" },
        protocol: [new GridSetting(RunSettings.Get("classes"), ["base"], "base-to-new")]);

    /// <param name="protocol">Settings the verb fixes (base-to-new's classes): not options of the verb, set in no grid file either.</param>
    private static Command Build(string name, string description, Dictionary<string, string> sweepDefaults, IReadOnlyList<GridSetting> protocol)
    {
        var fixedKeys = protocol.Select(p => p.Key).ToHashSet();
        var o = new RunOptions(RunSettings.All.Select(s => s.Key).Where(k => !fixedKeys.Contains(k)), PluralNames, sweepDefaults);
        var grid = new Option<string?>("--grid") { Description = "YAML grid file (fixed:, grid:, include:; see experiments/); command-line options add axes outside it" };
        var dryRun = new Option<bool>("--dry-run") { Description = "list the runs with their ids and shards, marked done, running, failed or pending; run nothing" };
        var estimate = new Option<bool>("--estimate") { Description = "with --dry-run: time a few training steps of the longest run here and estimate the sweep's training time" };
        var status = new Option<bool>("--status") { Description = "done / running / failed / pending per run and per shard, and the Slurm tasks still queued" };
        var shard = new Option<string?>("--shard") { Description = "run one slice: i/N (0 <= i < N), or slurm (SLURM_ARRAY_TASK_ID of --shards, or of SLURM_ARRAY_TASK_COUNT)" };
        var shards = new Option<int?>("--shards") { Description = "shard count N for --slurm, --status, --dry-run and --shard slurm" };
        var threads = new Option<int?>("--threads") { Description = "libtorch threads (default: SLURM_CPUS_PER_TASK, else the cores of this process's affinity mask)" };
        var slurm = new Option<string?>("--slurm") { Description = "write a Slurm job-array script here: one task per unfinished shard (needs --shards)" };
        var submit = new Option<bool>("--submit") { Description = "with --slurm: also sbatch it and print the job id (rerun to resubmit only unfinished shards)" };
        var partition = new Option<string?>("--partition") { Description = "Slurm partition" };
        var gres = new Option<string?>("--gres") { Description = "Slurm generic resources per task, e.g. gpu:1" };
        var time = new Option<string?>("--time") { Description = "Slurm time limit per task, e.g. 04:00:00" };
        var cpus = new Option<int>("--cpus-per-task") { Description = "Slurm CPUs per task (also each task's thread count)", DefaultValueFactory = _ => 1 };
        var mem = new Option<string?>("--mem") { Description = "Slurm memory per node, e.g. 16G" };
        var maxParallel = new Option<int?>("--max-parallel") { Description = "at most K array tasks at once (--array=...%K)" };
        var jobName = new Option<string>("--job-name") { Description = "Slurm job name", DefaultValueFactory = _ => "blora-sweep" };
        var command = new Command(name, description)
            { grid, dryRun, estimate, status, shard, shards, threads, slurm, submit, partition, gres, time, cpus, mem, maxParallel, jobName };
        foreach (var opt in o.All) command.Options.Add(opt);
        var slurmOptions = new Option[] { slurm, submit, partition, gres, time, cpus, mem, maxParallel, jobName };

        command.SetAction(r => UserErrors.Run(() =>
        {
            var config = new SweepRequest
            {
                Given = o.Given(r), GridFile = r.GetValue(grid), Protocol = protocol,
                Defaults = sweepDefaults.Keys.Select(key => o.DefaultOf(key, r)).OfType<GridSetting>().ToArray(),
            }.Config();
            int? shardCount = r.GetValue(shards);
            if (shardCount is < 1) throw new ArgumentException($"--shards must be at least 1, got {shardCount}");
            if (r.GetValue(slurm) is null && slurmOptions.Skip(1).Any(opt => RunOptions.IsGiven(r, opt)))
                throw new ArgumentException($"{slurmOptions.Skip(1).First(opt => RunOptions.IsGiven(r, opt)).Name} needs --slurm FILE");
            if (r.GetValue(estimate) && !r.GetValue(dryRun)) throw new ArgumentException("--estimate needs --dry-run (it times a few steps here, then stops)");
            if (r.GetValue(dryRun) || r.GetValue(status))
            {
                var only = r.GetValue(shard) is null ? null : SweepProcess.For(r.GetValue(shard), shardCount).Shard;
                SweepReport.Print(config, shardCount, only, perShard: r.GetValue(status), Console.WriteLine);
                if (!r.GetValue(dryRun)) return;
                foreach (var line in r.GetValue(estimate) ? SweepTimeEstimate.Of(config).Lines() : [SweepCost.Of(config).Line]) Console.WriteLine(line);
                return;
            }
            if (r.GetValue(slurm) is { } script)
            {
                if (shardCount is null) throw new ArgumentException("--slurm needs --shards N (one array task per shard)");
                var job = new SlurmJobOptions
                {
                    JobName = r.GetValue(jobName)!, Partition = r.GetValue(partition), Gres = r.GetValue(gres), Time = r.GetValue(time),
                    CpusPerTask = r.GetValue(cpus), Mem = r.GetValue(mem), MaxParallel = r.GetValue(maxParallel),
                };
                SlurmResubmission.Run(config, shardCount.Value, script, job, r.GetValue(submit),
                    TaskCommand(r, command, [shard, shards, dryRun, status, .. slurmOptions], shardCount.Value), Console.WriteLine);
                return;
            }
            var process = SweepProcess.For(r.GetValue(shard), shardCount);
            var budget = CpuBudget.Apply(r.GetValue(threads));
            if (!config.Grids.Any(g => g.Keys.Contains("workers")))
                config = config with { Base = config.Base with { Train = config.Base.Train with { DataWorkers = budget.Threads } } };
            Console.WriteLine($"sweep: {budget.Threads} thread{(budget.Threads == 1 ? "" : "s")} ({budget.Source}){(process.StoreName is null ? "" : $", rows to {ResultsFolder.In(config.ResultsDir).Own(process.StoreName).Path}")}");
            Console.WriteLine($"sweep {SweepCost.Of(config).Line}");
            var summary = Sweep.Run(config, SpectreTrainProgress.ForConsole(), process);
            Console.WriteLine($"sweep done: {summary.Ran} ran, {summary.Skipped} already finished{(summary.HeldElsewhere > 0 ? $", {summary.HeldElsewhere} running elsewhere" : "")}, {summary.Total} in the grid{(process.Shard.Count > 1 ? $" (shard {process.Shard})" : "")}; rows under {config.ResultsDir}");
        }));
        return command;
    }

    /// <summary>This process's own command line for an array task: every option given except the Slurm ones, plus <c>--shard slurm --shards N</c>.</summary>
    private static IReadOnlyList<string> TaskCommand(ParseResult r, Command command, IReadOnlyList<Option> leaveOut, int shardCount)
    {
        var words = new List<string>();
        string host = Environment.ProcessPath ?? "dotnet";
        words.Add(host);
        // Run as 'dotnet blora.dll' the host is dotnet and the program is the entry assembly.
        if (Path.GetFileNameWithoutExtension(host) == "dotnet" && Assembly.GetEntryAssembly()?.Location is { Length: > 0 } dll) words.Add(dll);
        words.Add(command.Name);
        foreach (var option in command.Options.Where(opt => !leaveOut.Contains(opt) && RunOptions.IsGiven(r, opt)))
        {
            var result = r.GetResult(option)!;
            words.Add(option.Name);
            words.AddRange(result.Tokens.Select(t => t.Value));
        }
        words.AddRange(["--shard", "slurm", "--shards", shardCount.ToString(CultureInfo.InvariantCulture)]);
        return words;
    }
}
