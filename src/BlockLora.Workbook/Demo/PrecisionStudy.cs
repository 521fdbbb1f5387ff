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

/// <summary>One (task, method) of the study: mean top-1 and train time per precision over the seeds.</summary>
public sealed record PrecisionStudyRow(string Task, string Method, int Seeds, double Fp32Accuracy, double Bf16Accuracy, double Fp32Seconds, double Bf16Seconds)
{
    public double Difference => Bf16Accuracy - Fp32Accuracy;
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
                var fp32 = g.Where(r => r.Precision == "fp32").ToList();
                var bf16 = g.Where(r => r.Precision == "bf16").ToList();
                double Mean(IEnumerable<double> values) => values.DefaultIfEmpty(double.NaN).Average();
                return new PrecisionStudyRow(g.Key.Dataset, DemoRow.LabelFor(g.Key.Method, g.Key.Blocks), Math.Min(fp32.Count, bf16.Count),
                    Mean(fp32.Select(r => r.Accuracy)), Mean(bf16.Select(r => r.Accuracy)), Mean(fp32.Select(r => r.TrainSeconds)), Mean(bf16.Select(r => r.TrainSeconds)));
            })];

    public static string Format(IReadOnlyList<PrecisionStudyRow> rows, PrecisionStudyConfig config)
    {
        var text = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        text.AppendLine("# fp32 against bf16 on the demo's held-out tasks").AppendLine();
        text.AppendLine(string.Create(inv, $"`blora demo --precision-study`: {config.Shots} shots, seeds {string.Join(", ", config.Seeds)}, r = {config.Demo.Rank}, Block-LoRA n = {config.Blocks}, the demo's schedule (lr {config.Demo.LearningRate}); top-1 on the test split, mean over seeds."));
        text.AppendLine().AppendLine("| task | method | seeds | fp32 top-1 | bf16 top-1 | bf16 − fp32 | fp32 train s | bf16 train s |");
        text.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (var r in rows)
            text.AppendLine(string.Create(inv, $"| {r.Task} | {r.Method} | {r.Seeds} | {r.Fp32Accuracy:F2} | {r.Bf16Accuracy:F2} | {r.Difference:+0.00;-0.00;0.00} | {r.Fp32Seconds:F1} | {r.Bf16Seconds:F1} |"));
        text.AppendLine().AppendLine("Mean difference per method (bf16 − fp32, accuracy points, over tasks):").AppendLine();
        foreach (var g in rows.GroupBy(r => r.Method))
            text.AppendLine(string.Create(inv, $"- {g.Key}: {g.Average(r => r.Difference):+0.00;-0.00;0.00} (train time bf16/fp32 {g.Average(r => r.Bf16Seconds) / g.Average(r => r.Fp32Seconds):F2})"));
        return text.ToString();
    }
}
