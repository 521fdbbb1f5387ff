using System.Text.Json;
using BlockLora.Adapters;
using BlockLora.Data;
using BlockLora.Results;

namespace BlockLora.Tests.Cli;

/// <summary>A custom CoOp dataset described by blora-dataset.json is named on the command line like a benchmark.</summary>
[Collection(TrainingCollection.Name)]
public class CustomDatasetCliTests
{
    [Fact]
    public void Train_sweep_and_eval_find_a_described_custom_dataset_under_the_data_root()
    {
        string root = Fixtures.TempDir();
        var info = DatasetInfo.CustomCoOp("MyShapes", "my-shapes", "a drawing of a {}.", 2, "made by this test");
        string images = Path.Combine(root, "my-shapes", "images");
        var train = new List<object[]>();
        var test = new List<object[]>();
        string[] names = ["circle", "square"];
        for (int c = 0; c < 2; c++)
            for (int i = 0; i < 4; i++)
            {
                string file = $"{names[c]}-{i}.png";
                SmokeImages.Write(Path.Combine(images, file), SmokeImageStyle.Shapes, c, 2, (c * 10) + i);
                (i < 3 ? train : test).Add([file, c, names[c]]);
            }
        File.WriteAllText(Path.Combine(root, "my-shapes", info.SplitFile), JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["train"] = train,
            ["val"] = test,
            ["test"] = test,
        }));
        CustomDatasetFile.Write(root, info);
        var found = CustomDatasetFile.Discover(root).Single();
        Assert.Equal((info.Name, info.PrimaryFolderName, info.SplitFile, info.PromptTemplate, info.ClassCount, info.Source),
            (found.Name, found.PrimaryFolderName, found.SplitFile, found.PromptTemplate, found.ClassCount, found.Source));

        string results = Fixtures.TempDir();
        string model = Fixtures.ClipTiny("openai.safetensors");
        var trained = BloraProcess.Run("train", "--model", model, "--data-root", root, "--dataset", "myshapes", "--shots", "2",
            "--rank", "2", "--blocks", "4", "--iterations", "2", "--batch-size", "4", "--results", results);
        Assert.True(trained.ExitCode == 0, trained.Stderr);
        var swept = BloraProcess.Run("sweep", "--model", model, "--data-root", root, "--datasets", "MyShapes", "--shots", "1", "--seeds", "1",
            "--methods", "zero-shot", "--results", results);
        Assert.True(swept.ExitCode == 0, swept.Stderr);
        var rows = new ResultsStore(Path.Combine(results, "results.csv")).ReadAll();
        Assert.Equal(["MyShapes", "MyShapes"], rows.Select(r => r.Dataset).ToArray());
        Assert.Equal([AdapterMethod.BlockLora, AdapterMethod.ZeroShot], rows.Select(r => r.Method).ToArray());

        var eval = BloraProcess.Run("eval", "--model", model, "--data-root", root, "--dataset", "MyShapes");
        Assert.True(eval.ExitCode == 0, eval.Stderr);
        Assert.Contains($"MyShapes: top-1 {rows[1].Accuracy:F2}%", eval.Stdout);
    }

    [Fact]
    public void A_malformed_description_is_one_line_naming_the_file()
    {
        string root = Fixtures.TempDir();
        Directory.CreateDirectory(Path.Combine(root, "broken"));
        string path = Path.Combine(root, "broken", CustomDatasetFile.FileName);
        File.WriteAllText(path, "{\"name\": \"Broken\", \"template\": \"no slot\", \"classes\": 2}");
        var run = BloraProcess.Run("zero-shot", "--model", Fixtures.ClipTiny("openai.safetensors"), "--data-root", root, "--dataset", "Broken",
            "--results", Fixtures.TempDir());
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(path, run.Stderr);
        Assert.Contains("has no {} for the class name", run.Stderr);
        Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        File.WriteAllText(path, "{ not json");
        Assert.Contains("not a dataset description", Assert.Throws<InvalidDataException>(() => CustomDatasetFile.Discover(root)).Message);
    }
}
