using BlockLora.Adapters;
using BlockLora.Data;
using BlockLora.Evaluation;
using BlockLora.Experiments;
using BlockLora.Results;
using BlockLora.Torch;
using BlockLora.Training;

namespace BlockLora.Tests.Experiments;

/// <summary>
/// A hand-made results folder of five runs, written the way runs write them but without training: rows in the shared
/// store and a shard, run folders with config.json, metrics.csv and evaluation files where a run of today has them.
/// A: Block-LoRA r2 on OxfordPets, also evaluated on DTD, complete run folder. B: A with rank 4 and lr 1e-3, its
/// metrics.csv torn after iteration 20. C: A as LoRA on the base half (rows for both halves), no run folder. D: zero-shot,
/// an empty run folder (a run from before the record files). E: a row from before run ids.
/// </summary>
public sealed class StoredRunsFolder
{
    public required string Dir { get; init; }
    public required RunSpec A { get; init; }
    public required RunSpec B { get; init; }
    public required RunSpec C { get; init; }
    public required RunSpec D { get; init; }

    public static string IdOf(RunSpec spec) => RunIdentity.Of(spec).Id;

    public static StoredRunsFolder Create()
    {
        string dir = Fixtures.TempDir();
        var a = new RunSpec
        {
            ModelPath = Fixtures.ClipTiny("openai.safetensors"), DataRoot = "/data", Dataset = "OxfordPets", Method = AdapterMethod.BlockLora,
            Shots = 4, Seed = 1, Adapter = new AdapterOptions { Rank = 2, Blocks = 4 }, Train = new TrainConfig { Precision = Precision.Fp32, LearningRate = 2e-4 },
            ResultsDir = dir,
        };
        var b = a with { Adapter = a.Adapter with { Rank = 4 }, Train = a.Train with { LearningRate = 1e-3 } };
        var c = a with { Method = AdapterMethod.Lora, Classes = ClassSubset.Base };
        var d = a with { Method = AdapterMethod.ZeroShot };
        var day = new DateTimeOffset(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);

        var shared = ResultsFolder.In(dir).Shared;
        shared.Append(
            FewShotRun.Identity(a) with { Accuracy = 87.5, Date = day },
            FewShotRun.Identity(a, "DTD") with { Accuracy = 41.25, Date = day },
            FewShotRun.Identity(b) with { Accuracy = 90, Date = day.AddHours(1) },
            new RunRecord { Dataset = "OxfordPets", Shots = 16, Seed = 1, Method = AdapterMethod.Lora, Rank = 2, Blocks = 1, Accuracy = 80.125, Date = day.AddDays(-30) });
        // A sharded process's rows are read merged with the shared store's.
        ResultsFolder.In(dir).Own("shard-0-of-2").Append(
            FewShotRun.Identity(c) with { Accuracy = 88, Date = day.AddHours(2) },
            FewShotRun.Identity(c, "", ClassSubset.New) with { Accuracy = 70, Date = day.AddHours(2) },
            FewShotRun.Identity(d) with { Accuracy = 85, Date = day.AddHours(3) });

        Directory.CreateDirectory(a.RunFolder);
        File.WriteAllText(Path.Combine(a.RunFolder, "config.json"), RunIdentity.Of(a).Json);
        File.WriteAllText(Path.Combine(a.RunFolder, MetricsLog.FileName), MetricsLog.Format([
            new MetricsRow(10, 2.5, 2e-4, 0.25, 100, 1.5),
            new MetricsRow(20, 1.25, 1e-4, 0.5, 120, 3),
            new MetricsRow(30, 1.5, 1e-6, 0.75, 140, 4.5),
        ]));
        Report("OxfordPets", "all").Save(Path.Combine(a.RunFolder, EvaluationReport.FileName("OxfordPets", "all")));
        Report("DTD", "all").Save(Path.Combine(a.RunFolder, EvaluationReport.FileName("DTD", "all")));
        File.WriteAllBytes(Path.Combine(a.RunFolder, "adapter.safetensors"), new byte[1234]);

        Directory.CreateDirectory(b.RunFolder);
        // Killed while appending the row of iteration 30: the last line is cut mid-number.
        File.WriteAllText(Path.Combine(b.RunFolder, MetricsLog.FileName),
            MetricsLog.Format([new MetricsRow(10, 3, 1e-3, 0.125, 90, 2), new MetricsRow(20, 2, 5e-4, 0.375, 110, 4)]) + "30,1.");

        Directory.CreateDirectory(d.RunFolder);
        return new StoredRunsFolder { Dir = dir, A = a, B = b, C = c, D = d };
    }

    /// <summary>Two classes, 8 images: top-1 75%, per class 50% and 100%, so the mean per class (75) is known.</summary>
    private static EvaluationReport Report(string dataset, string classes) => new(
        dataset, classes, 75, 75, 8, 0, ["cat", "dog"],
        [new ClassAccuracy("cat", 4, 2, 50), new ClassAccuracy("dog", 4, 4, 100)],
        [[2, 2], [0, 4]]);

    /// <summary>A hex prefix of at least four digits that starts none of the folder's ids.</summary>
    public string UnusedPrefix()
    {
        var ids = ResultsFolder.In(Dir).ReadAll().Select(r => r.RunId).ToArray();
        return new[] { "0000", "ffff", "abab", "1234" }.First(p => !ids.Any(id => id.StartsWith(p, StringComparison.Ordinal)));
    }
}
