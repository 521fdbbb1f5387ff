using System.Diagnostics;
using System.Globalization;
using BlockLora.Adapters;
using BlockLora.Checkpoints;
using BlockLora.Experiments;
using BlockLora.IO;
using BlockLora.Results;
using BlockLora.Training;

namespace BlockLora.Workbook.Demo;

/// <summary>
/// <c>blora demo</c>: writes the few-shot tasks from installed Debian data packages in CoOp's layout,
/// then on one loaded demo CLIP runs zero-shot, LoRA and Block-LoRA (several n) at several shot counts
/// through the same <see cref="FewShotRun"/> as real benchmarks (rows into <c>&lt;results&gt;/results.csv</c>), each trained
/// configuration once per seed, checks task switching between the trained adapters of one seed, and writes the chart and a summary.
/// </summary>
public static class DemoRunner
{
    public const string HtmlName = "demo.html";
    public const string PngName = "demo.png";
    public const string SummaryName = "demo-summary.md";

    public static DemoReport Run(DemoConfig config, ITrainProgress? progress = null)
    {
        progress ??= SilentTrainProgress.Instance;
        var clock = Stopwatch.StartNew();
        config.Validate();
        // Every check a user can fail comes before the first minute of work.
        WritableFolder.Ensure(config.ResultsDir);
        FashionMnist.EnsureInstalled(config.FashionMnistDirectory);
        if (!config.Quick) SklearnDigits.EnsureInstalled(config.DigitsPath);
        if (!File.Exists(config.ModelPath))
            throw new FileNotFoundException($"{config.ModelPath}: demo checkpoint not found; build the CLI (the build copies it next to blora) or make one with 'blora demo --pretrain'", config.ModelPath);

        string dataRoot = Path.Combine(Path.GetFullPath(config.ResultsDir), "data");
        progress.OnMessage($"writing the few-shot tasks in CoOp layout under {dataRoot}");
        var tasks = new List<DemoTask>
        {
            DemoTasks.PrepareFashion(dataRoot, config.FashionMnistDirectory, FashionMnist.HeldOutFromDemoModel, testPerClass: config.Quick ? 50 : 250),
        };
        if (!config.Quick) tasks.Add(DemoTasks.PrepareDigits(dataRoot, config.DigitsPath));
        foreach (var task in tasks)
        {
            int most = config.EffectiveShots.Max();
            if (most > task.TrainImagesPerClass)
                throw new ArgumentException($"--shots {most} is more than the {task.TrainImagesPerClass} train images per class of the {task.Name} task; use at most {task.TrainImagesPerClass}");
            progress.OnMessage($"  {task.Name}: {task.Title}; {task.ClassNames.Count} classes, {task.TestImages} test images");
        }

        progress.OnMessage($"loading {config.ModelPath}");
        using var model = ClipCheckpoint.Load(config.ModelPath, config.Precision, "cpu");
        foreach (int n in config.EffectiveBlocks)
            _ = new AdapterConfig { Method = AdapterMethod.BlockLora, Blocks = n, Rank = config.Rank }.SelectMatrices(model.Config); // throws if n does not divide a width
        using var loaded = new BaseSnapshot(model);

        var plan = Plan(config, tasks);
        var rows = new List<DemoRow>();
        var customs = tasks.Select(t => t.Dataset).ToList();
        for (int i = 0; i < plan.Count; i++)
        {
            var (task, method, shots, blocks, seed) = plan[i];
            var spec = new RunSpec
            {
                ModelPath = config.ModelPath,
                DataRoot = dataRoot,
                Dataset = task.Name,
                Method = method,
                Shots = shots,
                Seed = seed,
                Adapter = new AdapterOptions { Rank = config.Rank, Blocks = blocks },
                Train = config.Train,
                ResultsDir = config.ResultsDir,
                CustomDatasets = customs,
                Resume = false,
            };
            bool zeroShot = method == AdapterMethod.ZeroShot;
            var label = DemoRow.LabelFor(method, blocks);
            progress.OnMessage($"[{i + 1}/{plan.Count}] {task.Name}: {label}{(zeroShot ? " (CoOp template, no training)" : $", {shots}-shot, seed {seed}, {config.IterationsFor(shots)} iterations")}");
            var record = FewShotRun.Execute(model, spec, progress)[0];
            rows.Add(new DemoRow(task.Name, method, zeroShot ? 0 : shots, zeroShot ? 0 : record.Blocks, record.Iterations, seed, record.Accuracy,
                record.TrainableParameters, record.TrainSeconds, zeroShot ? null : Path.Combine(spec.RunFolder, "adapter.safetensors")));
        }

        progress.OnMessage($"task switching: loading the adapters of seed {config.SwitchSeed} into one AdapterBank on the same base model");
        var switching = TaskSwitchCheck.Run(model, loaded, dataRoot, SwitchCandidates(config, tasks, rows), new TrainConfig().Template,
            config.DataWorkers, config.Switches, progress);

        string html = Path.Combine(config.ResultsDir, HtmlName);
        string png = Path.Combine(config.ResultsDir, PngName);
        var chart = DemoChart.Build(tasks, DemoSummaryRow.Summarise(rows));
        DemoChart.WriteHtml(chart, html);
        string? pngMessage = config.WritePng ? DemoChart.TryWritePng(chart, png, config.ChromiumPath) : "no PNG: not asked for";
        if (pngMessage is not null && File.Exists(png)) File.Delete(png); // never leave a stale figure beside a fresh table

        string summary = Path.Combine(config.ResultsDir, SummaryName);
        var report = new DemoReport(config, tasks, rows, switching, ResultsStore.In(config.ResultsDir).Path, html,
            pngMessage is null ? png : null, pngMessage, summary, clock.Elapsed.TotalSeconds, DemoMachine.Current());
        AtomicFile.WriteAllText(summary, report.FormatSummary());
        return report with { Seconds = clock.Elapsed.TotalSeconds };
    }

    /// <summary>
    /// Per task: zero-shot once (it samples no shots and trains nothing, so every seed gives the same number), then per
    /// shot count LoRA and Block-LoRA at each n, each once per seed.
    /// </summary>
    private static List<(DemoTask Task, AdapterMethod Method, int Shots, int Blocks, int Seed)> Plan(DemoConfig config, IReadOnlyList<DemoTask> tasks)
    {
        var plan = new List<(DemoTask, AdapterMethod, int, int, int)>();
        var seeds = config.EffectiveSeeds;
        foreach (var task in tasks)
        {
            plan.Add((task, AdapterMethod.ZeroShot, config.EffectiveShots[0], 1, seeds[0]));
            foreach (int shots in config.EffectiveShots)
            {
                foreach (int seed in seeds) plan.Add((task, AdapterMethod.Lora, shots, 1, seed));
                foreach (int n in config.EffectiveBlocks)
                    foreach (int seed in seeds) plan.Add((task, AdapterMethod.BlockLora, shots, n, seed));
            }
        }
        return plan;
    }

    /// <summary>
    /// The full demo switches between the tasks' Block-LoRA adapters (most shots, the middle n); the
    /// one-task quick demo between that task's LoRA and Block-LoRA adapters; always those of <see cref="DemoConfig.SwitchSeed"/>.
    /// </summary>
    private static List<SwitchCandidate> SwitchCandidates(DemoConfig config, IReadOnlyList<DemoTask> tasks, IReadOnlyList<DemoRow> rows)
    {
        int shots = config.EffectiveShots.Max();
        int blocks = config.EffectiveBlocks[config.EffectiveBlocks.Count / 2];
        SwitchCandidate Candidate(DemoTask task, AdapterMethod method, int n)
        {
            var row = rows.Single(r => r.Task == task.Name && r.Method == method && r.Shots == shots && r.Blocks == n && r.Seed == config.SwitchSeed);
            string name = $"{task.Name}/{AdapterMethods.Format(method)}{(method == AdapterMethod.BlockLora ? $"-n{n}" : "")}/{shots}-shot/seed-{row.Seed}";
            return new SwitchCandidate(name, task, row.AdapterPath!, row.Accuracy);
        }
        return tasks.Count > 1
            ? tasks.Select(t => Candidate(t, AdapterMethod.BlockLora, blocks)).ToList()
            : [Candidate(tasks[0], AdapterMethod.Lora, 1), Candidate(tasks[0], AdapterMethod.BlockLora, blocks)];
    }

    /// <summary>One line for the terminal after the table.</summary>
    public static string Footer(DemoReport report) => string.Create(CultureInfo.InvariantCulture,
        $"rows: {report.ResultsCsv} | chart: {report.HtmlPath}{(report.PngPath is null ? "" : " and " + report.PngPath)} | summary: {report.SummaryPath} | total wall time {report.Seconds / 60:F1} min on {report.Machine.Describe()}");
}
