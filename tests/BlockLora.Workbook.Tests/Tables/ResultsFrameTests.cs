using BlockLora.Adapters;
using BlockLora.Results;
using BlockLora.Tests;
using BlockLora.Workbook.Tables;

namespace BlockLora.Workbook.Tests.Tables;

public class ResultsFrameTests
{
    [Fact]
    public void Rows_load_as_a_deedle_frame()
    {
        string path = Path.Combine(Fixtures.TempDir(), "results.csv");
        RunRecord Row(int seed, double accuracy) => new()
        {
            Dataset = "OxfordPets",
            Shots = 4,
            Seed = seed,
            Method = AdapterMethod.BlockLora,
            Rank = 2,
            Blocks = 8,
            Accuracy = accuracy,
        };
        new ResultsStore(path).Append(Row(1, 90), Row(2, 80));
        var frame = ResultsFrame.Load(path);
        Assert.Equal(2, frame.RowCount);
        Assert.Equal(85.0, Deedle.Stats.mean(frame.GetColumn<double>("Accuracy")));
    }
}
