using BlockLora.Adapters;
using BlockLora.Checkpoints;
using BlockLora.Data;
using BlockLora.Evaluation;
using BlockLora.Experiments;
using BlockLora.Tests.Data;
using BlockLora.Training;

namespace BlockLora.Tests.Experiments;

/// <summary>What a run folder records besides the adapter: config.json, metrics.csv and one evaluation file per evaluated set.</summary>
[Collection(TrainingCollection.Name)]
public class RunFolderRecordTests
{
    private static RunSpec Spec(string root, string results, AdapterMethod method, ClassSubset classes) => RunSettings.Defaults() with
    {
        ModelPath = Fixtures.ClipTiny("openai.safetensors"), DataRoot = root, Dataset = TinyCoOpDataset.DatasetName, Method = method,
        Shots = 2, Seed = 1, Classes = classes, ResultsDir = results,
        Adapter = new AdapterOptions { Rank = 2, Blocks = 2 },
        Train = new TrainConfig { Iterations = 7, LogEvery = 3, BatchSize = 4, DataWorkers = 1, Precision = BlockLora.Torch.Precision.Fp32 },
    };

    /// <summary>The report agrees with the split it claims to score: names in label order, confusion rows summing to each class's test images.</summary>
    private static void AssertReportOf(string file, DatasetSplits scored, string classes)
    {
        Assert.True(File.Exists(file), $"{file} was not written");
        var report = EvaluationReport.Load(file);
        Assert.Equal((scored.Dataset.Name, classes), (report.Dataset, report.Classes));
        Assert.Equal(scored.ClassNames, report.ClassNames);
        var testCounts = Enumerable.Range(0, scored.ClassNames.Count).Select(c => (long)scored.Test.Count(x => x.Label == c)).ToArray();
        Assert.Equal(testCounts, report.Confusion.Select(row => row.Sum()));
        Assert.Equal(scored.Test.Count, report.Images);
    }

    [Fact]
    public void A_base_run_records_its_config_metrics_and_an_evaluation_file_for_each_half()
    {
        var tiny = TinyCoOpDataset.Create(Fixtures.TempDir(), classes: 5, trainPerClass: 3, testPerClass: 2, seed: 21, valPerClass: 1);
        var spec = Spec(tiny.Root, Fixtures.TempDir(), AdapterMethod.BlockLora, ClassSubset.Base);
        using var model = ClipCheckpoint.Load(spec.ModelPath);
        var rows = FewShotRun.Execute(model, spec);

        Assert.Equal(rows[0].Config + "\n", File.ReadAllText(Path.Combine(spec.RunFolder, FewShotRun.ConfigFileName)));
        Assert.Equal([3, 6, 7], MetricsLog.Read(Path.Combine(spec.RunFolder, MetricsLog.FileName)).Select(r => r.Iteration));

        var all = DatasetReader.Read(tiny.Root, tiny.DatasetName);
        string name = all.Dataset.Name;
        AssertReportOf(Path.Combine(spec.RunFolder, EvaluationReport.FileName(name, "base")), ClassSubsets.Apply(all, ClassSubset.Base), "base");
        AssertReportOf(Path.Combine(spec.RunFolder, EvaluationReport.FileName(name, "new")), ClassSubsets.Apply(all, ClassSubset.New), "new");
        Assert.Equal(rows.Select(r => r.Accuracy),
            new[] { "base", "new" }.Select(half => EvaluationReport.Load(Path.Combine(spec.RunFolder, EvaluationReport.FileName(name, half))).Top1));

        // Evaluating the saved adapter elsewhere adds that dataset's file, on all its classes.
        var other = TinyCoOpDataset.Create(Fixtures.TempDir(), classes: 3, trainPerClass: 2, testPerClass: 3, seed: 22);
        var saved = FewShotRun.EvaluateSaved(model, (spec with { DataRoot = other.Root }).Resolve(), [TinyCoOpDataset.DatasetName]);
        var otherSplits = DatasetReader.Read(other.Root, other.DatasetName);
        string otherFile = Path.Combine(spec.RunFolder, EvaluationReport.FileName(name, "all"));
        AssertReportOf(otherFile, otherSplits, "all");
        Assert.Equal(saved[0].Accuracy, EvaluationReport.Load(otherFile).Top1);
    }

    [Fact]
    public void A_zero_shot_run_writes_its_config_and_evaluation_and_no_metrics()
    {
        var tiny = TinyCoOpDataset.Create(Fixtures.TempDir(), classes: 3, trainPerClass: 2, testPerClass: 3, seed: 23);
        var spec = Spec(tiny.Root, Fixtures.TempDir(), AdapterMethod.ZeroShot, ClassSubset.All);
        using var model = ClipCheckpoint.Load(spec.ModelPath);
        var rows = FewShotRun.Execute(model, spec);

        Assert.Equal(rows.Single().Config + "\n", File.ReadAllText(Path.Combine(spec.RunFolder, FewShotRun.ConfigFileName)));
        Assert.False(File.Exists(Path.Combine(spec.RunFolder, MetricsLog.FileName)));
        var splits = DatasetReader.Read(tiny.Root, tiny.DatasetName);
        AssertReportOf(Path.Combine(spec.RunFolder, EvaluationReport.FileName(splits.Dataset.Name, "all")), splits, "all");
    }
}
