using BlockLora.Data;
using BlockLora.Results;
using BlockLora.Tests.Data;

namespace BlockLora.Tests.Cli;

/// <summary>
/// <c>blora train --split-file</c>: the file must hold the run's dataset, shots, seed and classes. A file that does not
/// is one line and exit 2, with no run folder and no row; a file that does is trained on exactly.
/// </summary>
[Collection(TrainingCollection.Name)]
public class SplitFileCliTests
{
    // 4 classes: tiny_class_00 and 01 are the base half, 02 and 03 the new half.
    private static readonly SmokeDataset Tiny = TinyCoOpDataset.Create(Fixtures.TempDir(), classes: 4, trainPerClass: 4, testPerClass: 2, seed: 31);
    private static readonly DatasetSplits All = DatasetReader.Read(Tiny.Root, Tiny.DatasetName);

    /// <summary>The last <paramref name="shots"/> train images of each class of <paramref name="splits"/>: a choice sampling would not make for every class.</summary>
    private static FewShotSelection LastImages(DatasetSplits splits, int shots, int seed, string? dataset = null) =>
        new(dataset ?? splits.Dataset.Name, shots, seed,
            splits.Train.GroupBy(x => x.Label).OrderBy(g => g.Key).SelectMany(g => g.TakeLast(shots)).ToArray(), splits.ClassNames, 0, 0);

    private static string Saved(FewShotSelection selection)
    {
        string file = Path.Combine(Fixtures.TempDir(), "fewshot.json");
        FewShotSplitFile.Write(file, selection, Tiny.ImageDirectory);
        return file;
    }

    /// <param name="absolute">Store absolute paths (as a file made for a dataset elsewhere on this machine would).</param>
    private static string TwoSfs(IEnumerable<LabeledImage> items, int shots, bool absolute = false)
    {
        string file = Path.Combine(Fixtures.TempDir(), TwoSfsSplitFile.FileName(shots, 1, "train"));
        TwoSfsSplitFile.Write(file, items, absolute ? null : Tiny.ImageDirectory);
        return file;
    }

    private static DatasetSplits Other()
    {
        var other = TinyCoOpDataset.Create(Fixtures.TempDir(), classes: 4, trainPerClass: 4, testPerClass: 2, seed: 32);
        return DatasetReader.Read(other.Root, other.DatasetName);
    }

    private static BloraProcess.Result Train(string results, string splitFile, params string[] more) =>
        BloraProcess.Run(["train", "--model", Fixtures.ClipTiny("openai.safetensors"), "--data-root", Tiny.Root, "--dataset", Tiny.DatasetName,
            "--results", results, "--split-file", splitFile, "--method", "lora", "--rank", "2", "--iterations", "2", "--batch-size", "4",
            "--precision", "fp32", "--workers", "1", .. more]);

    public static TheoryData<string> Mismatches => new(["shots", "seed", "dataset", "classes", "2sfs shots", "2sfs classes", "2sfs dataset"]);

    [Theory]
    [MemberData(nameof(Mismatches))]
    public void A_split_file_that_disagrees_with_the_run_is_one_line_and_writes_nothing(string mismatch)
    {
        var baseHalf = ClassSubsets.Apply(All, ClassSubset.Base);
        var (file, args, holds) = mismatch switch
        {
            "shots" => (Saved(LastImages(All, 2, 1)), new[] { "--shots", "3", "--seed", "1" }, "holds 2 shots, seed 1 of OxfordPets; the run asks for 3 shots, seed 1 of OxfordPets"),
            "seed" => (Saved(LastImages(All, 2, 1)), ["--shots", "2", "--seed", "2"], "holds 2 shots, seed 1 of OxfordPets; the run asks for 2 shots, seed 2 of OxfordPets"),
            "dataset" => (Saved(LastImages(All, 2, 1, dataset: "DTD")), ["--shots", "2", "--seed", "1"], "holds 2 shots, seed 1 of DTD; the run asks for 2 shots, seed 1 of OxfordPets"),
            // An all-class file given to a base run: its new-half images would be trained on.
            "classes" => (Saved(LastImages(All, 2, 1)), ["--shots", "2", "--seed", "1", "--classes", "base"], "holds 4 images of new-half classes (first: 'tiny_class_02'"),
            "2sfs shots" => (TwoSfs(LastImages(All, 2, 1).Items, 2), ["--shots", "3", "--seed", "1"], "holds 2 shots of OxfordPets; the run asks for 3 shots"),
            // Two base classes and one new-half image: the file holds the run's shots of every base class, and a new class.
            "2sfs classes" => (TwoSfs([.. LastImages(baseHalf, 2, 1).Items, All.Train.First(x => x.ClassName == "tiny_class_03")], 2),
                ["--shots", "2", "--seed", "1", "--classes", "base"], "holds 1 image of new-half classes (first: 'tiny_class_03'"),
            // Every image exists, but in another copy of the dataset than the run's data root.
            "2sfs dataset" => (TwoSfs(LastImages(Other(), 2, 1).Items, 2, absolute: true), ["--shots", "2", "--seed", "1"], "holds images outside OxfordPets (first: /"),
            _ => throw new ArgumentException(mismatch),
        };
        string results = Fixtures.TempDir();
        var result = Train(results, file, args);

        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(result.ExitCode == 2 && lines.Length == 1, $"exit {result.ExitCode}, expected one line:\n{result.Stderr}{result.Stdout}");
        Assert.Contains(file, lines[0]);
        Assert.Contains(holds, lines[0]);
        Assert.False(Directory.Exists(Path.Combine(results, "runs")), "a run folder was made");
        Assert.Empty(ResultsFolder.In(results).ReadAll());
    }

    [Theory]
    [InlineData("fewshot.json")]
    [InlineData("2sfs")]
    public void A_matching_split_file_is_trained_on_exactly(string format)
    {
        var chosen = LastImages(All, 2, 1);
        // Sampling would choose other images, so a run that ignored the file would be seen.
        Assert.NotEqual(FewShotSampler.Sample(All, 2, 1).Items.Select(x => x.Path).Order(), chosen.Items.Select(x => x.Path).Order());
        string file = format == "2sfs" ? TwoSfs(chosen.Items, 2) : Saved(chosen);
        string results = Fixtures.TempDir();
        var result = Train(results, file, "--shots", "2", "--seed", "1");
        Assert.True(result.ExitCode == 0, result.Stderr);

        string used = Directory.GetFiles(Path.Combine(results, "runs"), "fewshot.json", SearchOption.AllDirectories).Single();
        var selection = FewShotSplitFile.Read(used, Tiny.ImageDirectory);
        Assert.Equal(chosen.Items.Select(x => (Path.GetFullPath(x.Path), x.Label)), selection.Items.Select(x => (Path.GetFullPath(x.Path), x.Label)));
        Assert.Equal((2, 1), (selection.Shots, selection.Seed));
        Assert.Equal(All.ClassNames, selection.ClassNames);
        Assert.Single(ResultsFolder.In(results).ReadAll());
    }
}
