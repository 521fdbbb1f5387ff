using BlockLora.Adapters;
using BlockLora.Results;

namespace BlockLora.Tests.Results;

/// <summary><c>skipped_images</c>: appended after the columns schema-1 files already had, so those files still read (as 0).</summary>
public class SkippedImagesColumnTests
{
    [Fact]
    public void Skipped_images_round_trip_after_the_older_columns_and_older_rows_read_as_0()
    {
        Assert.True(Array.IndexOf(ResultsStore.Columns, "skipped_images") > Array.IndexOf(ResultsStore.Columns, "config"));
        string path = Path.Combine(Fixtures.TempDir(), "results.csv");
        // A file as the previous version wrote it: the columns before skipped_images.
        var older = ResultsStore.Columns.TakeWhile(c => c != "skipped_images").ToArray();
        var values = new Dictionary<string, string> { ["schema_version"] = "1", ["dataset"] = "DTD", ["method"] = "zero-shot", ["accuracy"] = "44.5" };
        File.WriteAllText(path, $"{string.Join(",", older)}\n{string.Join(",", older.Select(c => values.GetValueOrDefault(c, c is "shots" or "seed" ? "0" : "")))}\n");
        var store = new ResultsStore(path);

        store.Append(new RunRecord { Dataset = "DTD", Shots = 4, Seed = 1, Method = AdapterMethod.Lora, Accuracy = 50, SkippedImages = 3 });

        var rows = store.ReadAll();
        Assert.Equal((44.5, 0L), (rows[0].Accuracy, rows[0].SkippedImages));
        Assert.Equal(3L, rows[1].SkippedImages);
        Assert.StartsWith(string.Join(",", ResultsStore.Columns) + "\n", File.ReadAllText(path));
    }
}
