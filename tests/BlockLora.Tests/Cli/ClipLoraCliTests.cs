using BlockLora.Adapters;
using BlockLora.Experiments;
using BlockLora.Results;
using BlockLora.Tests.Data;

namespace BlockLora.Tests.Cli;

/// <summary>
/// A CLIP-LoRA command line through the <c>blora</c> process: it trains the run its native spelling names (same run id),
/// <c>--eval_only</c> scores the adapter it saved, and CLIP-LoRA's bad input is one line with exit code 2.
/// </summary>
[Collection(TrainingCollection.Name)]
public class ClipLoraCliTests
{
    /// <summary>A home folder whose <c>~/.cache/clip</c> holds the tiny CLIP as <c>ViT-B-16.pt</c>, where <c>--backbone ViT-B/16</c> looks.</summary>
    private static (string Home, string Weights) HomeWithWeights()
    {
        string home = Fixtures.TempDir();
        string weights = Path.Combine(home, ".cache", "clip", "ViT-B-16.pt");
        Directory.CreateDirectory(Path.GetDirectoryName(weights)!);
        File.Copy(Fixtures.ClipTiny("openai-jit.pt"), weights);
        return (home, weights);
    }

    [Fact]
    public void A_clip_lora_command_line_trains_the_native_run_and_eval_only_scores_its_adapter()
    {
        var tiny = TinyCoOpDataset.Create(Fixtures.TempDir(), classes: 3, trainPerClass: 3, testPerClass: 2, seed: 4);
        var (home, weights) = HomeWithWeights();
        string save = Fixtures.TempDir();
        string[] clipLora =
        [
            "train", "--root_path", tiny.Root, "--dataset", "oxford_pets", "--shots", "2", "--seed", "1", "--backbone", "ViT-B/16",
            "--lr", "2e-4", "--n_iters", "1", "--batch_size", "4", "--position", "all", "--encoder", "both", "--params", "q", "k", "v",
            "--r", "2", "--alpha", "1", "--dropout_rate", "0.25", "--save_path", save, "--method", "lora", "--precision", "fp32",
        ];
        var env = new Dictionary<string, string?> { ["HOME"] = home };
        var train = BloraProcess.RunWith(env, clipLora);
        Assert.True(train.ExitCode == 0, train.Stderr);

        var row = Assert.Single(new ResultsStore(Path.Combine(save, "results.csv")).ReadAll());
        Assert.Equal(2, row.Iterations); // n_iters 1 per shot x 2 shots
        var native = RunSettings.Defaults() with
        {
            ModelPath = weights, DataRoot = tiny.Root, Dataset = "OxfordPets", ResultsDir = save, Method = AdapterMethod.Lora, Shots = 2,
        };
        native = RunSettings.Get("iterations").Apply(native, "2");
        native = RunSettings.Get("batch-size").Apply(native, "4");
        native = RunSettings.Get("precision").Apply(native, "fp32");
        Assert.Equal(RunIdentity.Of(native).Id, row.RunId);
        Assert.True(File.Exists(Path.Combine(native.RunFolder, FewShotRun.AdapterFileName)), $"no adapter in {native.RunFolder}");

        var evalOnly = BloraProcess.RunWith(env, [.. clipLora, "--eval_only"]);
        Assert.True(evalOnly.ExitCode == 0, evalOnly.Stderr);
        Assert.Contains($"OxfordPets: top-1 {row.Accuracy:F2}%", evalOnly.Stdout);
        Assert.Single(new ResultsStore(Path.Combine(save, "results.csv")).ReadAll()); // scored, not recorded

        // blora eval takes CLIP-LoRA's names for the options it shares with a run.
        string adapter = Path.Combine(native.RunFolder, FewShotRun.AdapterFileName);
        var eval = BloraProcess.RunWith(env, "eval", "--backbone", "ViT-B/16", "--root_path", tiny.Root, "--dataset", "oxford_pets", "--precision", "fp32", "--adapter", adapter);
        Assert.True(eval.ExitCode == 0, eval.Stderr);
        Assert.Contains($"OxfordPets: top-1 {row.Accuracy:F2}%", eval.Stdout);

        // Another seed is another run, which nothing saved.
        string[] otherSeed = [.. clipLora, "--eval_only"];
        otherSeed[Array.IndexOf(otherSeed, "--seed") + 1] = "2";
        var unsaved = BloraProcess.RunWith(env, otherSeed);
        Assert.Equal(2, unsaved.ExitCode);
        Assert.Contains("no adapter saved for these options; train first with the same options, without --eval_only", Assert.Single(Lines(unsaved.Stderr)));
    }

    [Fact]
    public void A_sweep_in_clip_loras_names_plans_the_runs_of_the_native_one()
    {
        var tiny = TinyCoOpDataset.Create(Fixtures.TempDir(), classes: 3, trainPerClass: 3, testPerClass: 2, seed: 4);
        string results = Fixtures.TempDir();
        string model = Fixtures.ClipTiny("openai.safetensors");
        string[] common = ["sweep", "--dry-run", "--model", model, "--results", results, "--methods", "lora", "--seeds", "1", "--shots", "2,4"];
        var clipLora = BloraProcess.Run([.. common, "--root_path", tiny.Root, "--datasets", "oxford_pets", "--n_iters", "3", "--params", "q", "v", "--position", "all", "--r", "2|4"]);
        var native = BloraProcess.Run([.. common, "--data-root", tiny.Root, "--datasets", "OxfordPets", "--iterations-per-shot", "3", "--targets", "q,v", "--layers", "all", "--ranks", "2|4"]);
        Assert.True(clipLora.ExitCode == 0, clipLora.Stderr);
        Assert.True(native.ExitCode == 0, native.Stderr);
        Assert.Contains("4 runs", native.Stdout);
        Assert.Equal(native.Stdout, clipLora.Stdout);
    }

    [Theory]
    [InlineData("--backbone", "ViT-B/16", "the ViT-B/16 weights are not downloaded; run: blora data download-weights ViT-B/16")]
    [InlineData("--backbone", "ViT-H/14", "unknown backbone 'ViT-H/14' (backbones: ViT-B/32, ViT-B/16, ViT-L/14, ViT-L/14@336px)")]
    [InlineData("--iterations", "8", "--iterations and --n_iters cannot both be given")]
    [InlineData("--iteration", "8", "unknown option '--iteration' for 'blora train'; did you mean --iterations?")]
    public void Bad_clip_lora_input_is_one_line(string option, string value, string message)
    {
        string model = Fixtures.ClipTiny("openai.safetensors");
        string[] args = option == "--backbone"
            ? ["train", option, value, "--root_path", Fixtures.TempDir(), "--dataset", "dtd"]
            : ["train", "--model", model, "--root_path", Fixtures.TempDir(), "--dataset", "dtd", "--n_iters", "2", option, value];
        var result = BloraProcess.RunWith(new Dictionary<string, string?> { ["HOME"] = Fixtures.TempDir() }, args);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, Assert.Single(Lines(result.Stderr)));
        Assert.Equal("", result.Stdout);
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
