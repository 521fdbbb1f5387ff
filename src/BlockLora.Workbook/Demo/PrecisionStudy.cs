using System.Globalization;
using System.Text;
using BlockLora.Adapters;
using BlockLora.Checkpoints;
using BlockLora.Experiments;
using BlockLora.IO;
using BlockLora.Results;
using BlockLora.Torch;
using BlockLora.Training;

namespace BlockLora.Workbook.Demo;

/// <summary>What <see cref="PrecisionStudy"/> runs: the demo's tasks and schedule, per precision × seed × method.</summary>
public sealed record PrecisionStudyConfig
{
    public string ResultsDir { get; init; } = Path.Combine("results", "precision");
    public IReadOnlyList<Precision> Precisions { get; init; } = [Precision.Fp32, Precision.Bf16];
    public IReadOnlyList<int> Seeds { get; init; } = [1, 2, 3];
    public int Shots { get; init; } = 16;
    /// <summary>Block-LoRA's n; LoRA runs beside it at the same rank.</summary>
    public int Blocks { get; init; } = 4;
    public DemoConfig Demo { get; init; } = new();
}

/// <summary>
/// One (task, method) of the study: top-1 per precision and the paired difference bf16 − fp32, each as mean ± sd over
/// the seeds both precisions ran. Train times are not kept here: the study's runs share the machine with whatever else
/// runs, so speed belongs to <c>blora bench</c>.
/// </summary>
public sealed record PrecisionStudyRow(string Task, string Method, SeedSpread Fp32Accuracy, SeedSpread Bf16Accuracy, SeedSpread Difference)
{
    public int Seeds => Difference.N;
}

/// <summary>
/// The accuracy evidence for mixed precision: the demo's held-out tasks trained in fp32 and in bf16 with the same
/// seeds, LoRA and Block-LoRA, every row in the results store (with its precision) and a table of the mean
/// difference per method in <c>precision-study.md</c>.
/// </summary>
public static class PrecisionStudy
{
    public const string SummaryName = "precision-study.md";

    public static IReadOnlyList<PrecisionStudyRow> Run(PrecisionStudyConfig config, ITrainProgress progress)
    {
        var demo = config.Demo with { ResultsDir = config.ResultsDir, Shots = [config.Shots] };
        demo.Validate();
        WritableFolder.Ensure(config.ResultsDir);
        FashionMnist.EnsureInstalled(demo.FashionMnistDirectory);
        SklearnDigits.EnsureInstalled(demo.DigitsPath);
        string dataRoot = Path.Combine(Path.GetFullPath(config.ResultsDir), "data");
        var tasks = new List<DemoTask>
        {
            DemoTasks.PrepareFashion(dataRoot, demo.FashionMnistDirectory, FashionMnist.HeldOutFromDemoModel, testPerClass: 250),
            DemoTasks.PrepareDigits(dataRoot, demo.DigitsPath),
        };
        var customs = tasks.Select(t => t.Dataset).ToList();
        var records = new List<RunRecord>();
        foreach (var precision in config.Precisions)
        {
            using var model = ClipCheckpoint.Load(demo.ModelPath, precision, "cpu");
            foreach (var task in tasks)
            foreach (int seed in config.Seeds)
            foreach (var method in AdapterMethods.Adapted)
            {
                var spec = new RunSpec
                {
                    ModelPath = demo.ModelPath, DataRoot = dataRoot, Dataset = task.Name, Method = method, Shots = config.Shots, Seed = seed,
                    Adapter = new AdapterOptions { Rank = demo.Rank, Blocks = config.Blocks }, Train = demo.Train with { Precision = precision },
                    ResultsDir = config.ResultsDir, CustomDatasets = customs, Resume = false,
                };
                progress.OnMessage($"{Precisions.Format(precision)} {task.Name} {DemoRow.LabelFor(method, method.Blocks(config.Blocks))} seed {seed}");
                records.Add(FewShotRun.Execute(model, spec, progress)[0]);
            }
        }
        var rows = Compare(records);
        AtomicFile.WriteAllText(Path.Combine(config.ResultsDir, SummaryName), Format(rows, config));
        return rows;
    }

    /// <summary>Means per (task, method) and precision over seeds, fp32 beside bf16.</summary>
    public static IReadOnlyList<PrecisionStudyRow> Compare(IEnumerable<RunRecord> records) =>
        [.. records.GroupBy(r => (r.Dataset, r.Method, r.Blocks)).OrderBy(g => g.Key.Dataset, StringComparer.Ordinal).ThenBy(g => g.Key.Method)
            .Select(g =>
            {
                var fp32 = g.Where(r => r.Precision == "fp32").ToDictionary(r => r.Seed, r => r.Accuracy);
                var bf16 = g.Where(r => r.Precision == "bf16").ToDictionary(r => r.Seed, r => r.Accuracy);
                var both = fp32.Keys.Intersect(bf16.Keys).Order().ToArray();
                if (both.Length == 0) throw new InvalidDataException($"{g.Key.Dataset} {g.Key.Method}: no seed ran in both fp32 and bf16");
                return new PrecisionStudyRow(g.Key.Dataset, DemoRow.LabelFor(g.Key.Method, g.Key.Blocks),
                    SeedSpread.Of(both.Select(s => fp32[s])), SeedSpread.Of(both.Select(s => bf16[s])), SeedSpread.Of(both.Select(s => bf16[s] - fp32[s])));
            })];

    public static string Format(IReadOnlyList<PrecisionStudyRow> rows, PrecisionStudyConfig config)
    {
        var text = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        text.AppendLine("# fp32 against bf16 on the demo's held-out tasks").AppendLine();
        text.AppendLine(string.Create(inv, $"`blora demo --precision-study`: {config.Shots} shots, seeds {string.Join(", ", config.Seeds)}, r = {config.Demo.Rank}, Block-LoRA n = {config.Blocks}, the demo's schedule (lr {config.Demo.LearningRate}); top-1 on the test split, mean ± sd (n) over the seeds both precisions ran; the difference is paired by seed."));
        text.AppendLine().AppendLine("| task | method | fp32 top-1 | bf16 top-1 | bf16 − fp32 (paired) |");
        text.AppendLine("|---|---|---:|---:|---:|");
        foreach (var r in rows)
            text.AppendLine($"| {r.Task} | {r.Method} | {r.Fp32Accuracy.Format()} | {r.Bf16Accuracy.Format()} | {r.Difference.Format()} |");
        text.AppendLine().AppendLine("Mean paired difference per method (bf16 − fp32, accuracy points, over tasks × seeds):").AppendLine();
        foreach (var g in rows.GroupBy(r => r.Method))
            text.AppendLine($"- {g.Key}: {SeedSpread.Of(g.SelectMany(r => r.Difference.Values)).Format()}");
        text.AppendLine().AppendLine("Train times are in results.csv but are not compared here: the study shares the machine with other work; `blora bench --precision fp32,bf16` measures speed.");
        return text.ToString();
    }
}
