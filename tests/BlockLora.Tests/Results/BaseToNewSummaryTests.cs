using BlockLora.Adapters;
using BlockLora.Data;
using BlockLora.Experiments;
using BlockLora.Results;
using BlockLora.Training;

namespace BlockLora.Tests.Results;

/// <summary>
/// The base-to-new summary pairs a base run's two rows by seed, averages seeds, takes the HM of the means, and averages
/// datasets only where every dataset is there. Rows are made by <see cref="FewShotRun.Identity"/>, so they carry the
/// configs real runs write (classes, eval_classes, the zero-shot template of each dataset).
/// </summary>
public class BaseToNewSummaryTests
{
    private static RunSpec Spec(string dataset, AdapterMethod method, int seed = 1, double lr = 2e-4, ClassSubset classes = ClassSubset.Base) => new()
    {
        ModelPath = Fixtures.ClipTiny("openai.safetensors"), DataRoot = "/data", Dataset = dataset, Method = method, Shots = 16, Seed = seed,
        Classes = classes, Adapter = new AdapterOptions { Rank = 2, Blocks = 8 }, Train = new TrainConfig { LearningRate = lr, Precision = BlockLora.Torch.Precision.Fp32 },
    };

    /// <summary>The two rows a base run writes: its own (base) and the new half's, with its own id.</summary>
    private static RunRecord[] Run(RunSpec spec, double baseAccuracy, double newAccuracy) =>
    [
        FewShotRun.Identity(spec) with { Accuracy = baseAccuracy },
        FewShotRun.Identity(spec, evalClasses: ClassSubset.New) with { Accuracy = newAccuracy },
    ];

    [Fact]
    public void Seeds_are_averaged_per_half_and_the_HM_is_taken_of_the_means()
    {
        var rows = Run(Spec("OxfordPets", AdapterMethod.BlockLora, seed: 1), 80, 40).Concat(Run(Spec("OxfordPets", AdapterMethod.BlockLora, seed: 2), 60, 60));
        var s = Assert.Single(BaseToNewSummary.MeanOverSeeds(rows));
        Assert.Equal((70.0, 50.0, 2), (s.Base, s.New, s.Seeds));
        // HM(70, 50) = 58.33; the mean of the per-seed HMs (53.33 and 60) would be 56.67.
        Assert.Equal(2 * 70.0 * 50 / 120, s.HarmonicMean, 9);
        Assert.Equal(("OxfordPets", AdapterMethod.BlockLora, 16, 2, 8), (s.Dataset, s.Method, s.Shots, s.Rank, s.Blocks));
        Assert.DoesNotContain("\"seed\"", s.Settings);
        Assert.DoesNotContain("classes", s.Settings);
    }

    [Fact]
    public void Other_settings_stay_apart_rows_on_all_classes_are_ignored_and_a_seed_missing_a_half_is_left_out()
    {
        var rows = Run(Spec("OxfordPets", AdapterMethod.Lora, seed: 1), 90, 70)
            .Concat(Run(Spec("OxfordPets", AdapterMethod.Lora, seed: 1, lr: 1e-3), 50, 10))
            .Append(FewShotRun.Identity(Spec("OxfordPets", AdapterMethod.Lora, seed: 1, classes: ClassSubset.All)) with { Accuracy = 99 })
            .Append(FewShotRun.Identity(Spec("OxfordPets", AdapterMethod.Lora, seed: 2)) with { Accuracy = 10 }) // base half only
            .ToArray();
        Assert.Equal(["base", "new", "base", "new", "all", "base"], rows.Select(r => r.Classes));
        var summaries = BaseToNewSummary.MeanOverSeeds(rows);
        Assert.Equal(2, summaries.Count);
        var main = summaries.Single(s => s.Base == 90);
        Assert.Equal((70.0, 1), (main.New, main.Seeds));
        Assert.Equal((50.0, 10.0), (summaries.Single(s => s != main).Base, summaries.Single(s => s != main).New));
        Assert.Empty(BaseToNewSummary.MeanOverSeeds(rows.Where(r => r.Classes != "new")));
    }

    [Fact]
    public void Zero_shot_has_one_row_per_half_and_counts_as_one_seed()
    {
        var spec = Spec("DTD", AdapterMethod.ZeroShot);
        var s = Assert.Single(BaseToNewSummary.MeanOverSeeds(Run(spec, 53.2, 60.1)));
        Assert.Equal((0, 0, 0, 1), (s.Shots, s.Rank, s.Blocks, s.Seeds));
        Assert.Equal(HarmonicMean.Of(53.2, 60.1), s.HarmonicMean);
        Assert.Equal("zero-shot", s.Label);
    }

    [Fact]
    public void The_dataset_average_needs_every_dataset_and_is_the_HM_of_the_averaged_halves()
    {
        string[] datasets = ["OxfordPets", "DTD"];
        var rows = Run(Spec("OxfordPets", AdapterMethod.ZeroShot), 90, 95).Concat(Run(Spec("DTD", AdapterMethod.ZeroShot), 50, 45))
            .Concat(Run(Spec("OxfordPets", AdapterMethod.BlockLora, seed: 1), 95, 90)).Concat(Run(Spec("OxfordPets", AdapterMethod.BlockLora, seed: 2), 93, 92))
            .Concat(Run(Spec("DTD", AdapterMethod.BlockLora, seed: 1), 80, 55))
            .Concat(Run(Spec("OxfordPets", AdapterMethod.Lora), 94, 91)); // LoRA lacks DTD: no average
        var perDataset = BaseToNewSummary.MeanOverSeeds(rows);
        Assert.Equal(5, perDataset.Count);
        var averages = BaseToNewSummary.AverageOverDatasets(perDataset, datasets, "Average (2)");
        Assert.Equal([AdapterMethod.ZeroShot, AdapterMethod.BlockLora], averages.Select(a => a.Method));
        // Zero-shot rows of the two datasets have different CoOp templates in their configs and still average together.
        var zeroShot = averages[0];
        Assert.Equal(("Average (2)", 70.0, 70.0, 70.0), (zeroShot.Dataset, zeroShot.Base, zeroShot.New, zeroShot.HarmonicMean));
        var block = averages[1];
        Assert.Equal((87.0, 73.0, 1), (block.Base, block.New, block.Seeds)); // (94 + 80) / 2, (91 + 55) / 2; DTD has one seed
        Assert.Equal(HarmonicMean.Of(87, 73), block.HarmonicMean, 9);
        Assert.Empty(BaseToNewSummary.AverageOverDatasets(perDataset, ["OxfordPets", "DTD", "EuroSAT"]));
    }
}
