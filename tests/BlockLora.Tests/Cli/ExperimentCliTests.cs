using BlockLora.Adapters;
using BlockLora.Results;
using BlockLora.Tests.Data;

namespace BlockLora.Tests.Cli;

/// <summary>The experiment verbs end to end through the CLI process.</summary>
[Collection(TrainingCollection.Name)]
public class ExperimentCliTests
{
    [Fact]
    public void Train_eval_zero_shot_and_data_check_work_from_the_command_line()
    {
        var tiny = TinyCoOpDataset.Create(Fixtures.TempDir(), classes: 3, trainPerClass: 3, testPerClass: 2, seed: 4);
        string results = Fixtures.TempDir();
        string model = Fixtures.ClipTiny("openai.safetensors");

        var train = BloraProcess.Run("train", "--model", model, "--data-root", tiny.Root, "--dataset", "oxford_pets", "--shots", "2",
            "--method", "block-lora", "--rank", "2", "--blocks", "4", "--iterations", "3", "--batch-size", "4", "--results", results);
        Assert.True(train.ExitCode == 0, train.Stderr);
        Assert.Contains("top-1", train.Stdout);

        var zeroShot = BloraProcess.Run("zero-shot", "--model", model, "--data-root", tiny.Root, "--dataset", "OxfordPets", "--results", results);
        Assert.True(zeroShot.ExitCode == 0, zeroShot.Stderr);
        var rows = new ResultsStore(Path.Combine(results, "results.csv")).ReadAll();
        Assert.Equal([AdapterMethod.BlockLora, AdapterMethod.ZeroShot], rows.Select(r => r.Method).ToArray());
        Assert.Equal((2, 4, 3), (rows[0].Rank, rows[0].Blocks, rows[0].Iterations));

        string adapter = Directory.GetFiles(results, "adapter.safetensors", SearchOption.AllDirectories).Single();
        var eval = BloraProcess.Run("eval", "--model", model, "--data-root", tiny.Root, "--dataset", "OxfordPets", "--adapter", adapter);
        Assert.True(eval.ExitCode == 0, eval.Stderr);
        Assert.Contains($"top-1 {rows[0].Accuracy:F2}%", eval.Stdout);

        var inspect = BloraProcess.Run("adapter", "inspect", adapter);
        Assert.Contains("block-lora", inspect.Stdout);

        var check = BloraProcess.Run("data", "check", "--root", tiny.Root);
        Assert.Equal(0, check.ExitCode);
        Assert.Contains("OxfordPets", check.Stdout);
    }

    [Fact]
    public void Bad_experiment_input_is_one_line()
    {
        string model = Fixtures.ClipTiny("openai.safetensors");
        string empty = Fixtures.TempDir();
        var unknown = BloraProcess.Run("zero-shot", "--model", model, "--data-root", empty, "--dataset", "NoSuchSet");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("NoSuchSet", unknown.Stderr);
        Assert.DoesNotContain("   at ", unknown.Stderr);

        var missing = BloraProcess.Run("zero-shot", "--model", model, "--data-root", empty, "--dataset", "DTD");
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("fix:", missing.Stderr);
        Assert.Single(missing.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
