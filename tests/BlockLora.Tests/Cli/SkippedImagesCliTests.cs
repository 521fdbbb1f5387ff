using BlockLora.Results;
using BlockLora.Tests.Data;

namespace BlockLora.Tests.Cli;

/// <summary>A corrupt image passes the cheap data check, is skipped by the loader, and the skip reaches the row and the final line.</summary>
[Collection(TrainingCollection.Name)]
public class SkippedImagesCliTests
{
    [Fact]
    public void A_truncated_train_image_is_skipped_counted_in_the_row_and_printed_in_the_top_1_line()
    {
        var tiny = TinyCoOpDataset.Create(Fixtures.TempDir(), classes: 2, trainPerClass: 2, testPerClass: 1, seed: 3);
        string bad = Path.Combine(tiny.ImageDirectory, "tiny_class_00_train_0.jpg");
        byte[] jpeg = File.ReadAllBytes(bad);
        File.WriteAllBytes(bad, jpeg[..(jpeg.Length - 40)]);
        string results = Fixtures.TempDir();

        var train = BloraProcess.Run("train", "--model", Fixtures.ClipTiny("openai.safetensors"), "--data-root", tiny.Root, "--dataset", "OxfordPets",
            "--shots", "2", "--rank", "2", "--blocks", "4", "--iterations", "2", "--batch-size", "4", "--results", results);

        Assert.True(train.ExitCode == 0, train.Stderr);
        var row = Assert.Single(new ResultsStore(Path.Combine(results, "results.csv")).ReadAll());
        Assert.True(row.SkippedImages >= 1, $"skipped_images is {row.SkippedImages}");
        Assert.Contains($"top-1 {row.Accuracy:F2}% (2 images, {row.SkippedImages} unreadable skipped)", train.Stdout);
    }
}
