using BlockLora.Adapters;
using BlockLora.Results;

namespace BlockLora.Tests.Results;

public class ResultsStoreTests
{
    private static RunRecord Row(int seed, double accuracy, string dataset = "OxfordPets") => new()
    {
        Dataset = dataset,
        Shots = 4,
        Seed = seed,
        Method = AdapterMethod.BlockLora,
        Rank = 2,
        Blocks = 8,
        Alpha = 1,
        Targets = "q,k,v",
        Encoders = "both",
        Iterations = 2000,
        Accuracy = accuracy,
        TrainableParameters = 103_680,
        TrainSeconds = 12.5,
        PeakMemoryBytes = 1 << 20,
        Device = "cpu",
        Backbone = "clip-tiny",
        GitCommit = "abc",
    };

    [Fact]
    public void Rows_round_trip_with_every_field()
    {
        var store = new ResultsStore(Path.Combine(Fixtures.TempDir(), "results.csv"));
        var row = Row(1, 91.25) with { Targets = "q,k,v,o", Dataset = "a \"quoted\", name" };
        store.Append(row);
        store.Append(Row(2, 88.5));
        var rows = store.ReadAll();
        Assert.Equal(2, rows.Count);
        Assert.Equal(row with { Date = rows[0].Date }, rows[0]);
        Assert.Equal(row.Date.ToUnixTimeMilliseconds(), rows[0].Date.ToUnixTimeMilliseconds());
        Assert.Equal(88.5, rows[1].Accuracy);
    }

    [Fact]
    public void A_cell_with_a_line_break_round_trips()
    {
        var store = new ResultsStore(Path.Combine(Fixtures.TempDir(), "results.csv"));
        store.Append(Row(1, 50) with { GitCommit = "two\nlines" }, Row(2, 60));
        var rows = store.ReadAll();
        Assert.Equal(["two\nlines", "abc"], rows.Select(r => r.GitCommit));
    }

    [Fact]
    public void The_committed_demo_results_written_by_the_previous_version_still_load()
    {
        string repo = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(repo, "BlockLora.Research.sln"))) repo = Path.GetDirectoryName(repo)!;
        string path = Path.Combine(repo, "results", "demo", "results.csv");
        var rows = new ResultsStore(path).ReadAll();
        int dataLines = File.ReadAllLines(path).Skip(1).Count(l => l.Length > 0);
        Assert.Equal(dataLines, rows.Count);
        // The demo predates VeRA: it ran the three methods there were then.
        Assert.Equal([AdapterMethod.ZeroShot, AdapterMethod.Lora, AdapterMethod.BlockLora], rows.Select(r => r.Method).Distinct().Order());
        Assert.All(rows, r => Assert.InRange(r.Accuracy, 0, 100));
    }

    [Fact]
    public void Concurrent_appends_lose_no_rows()
    {
        var store = new ResultsStore(Path.Combine(Fixtures.TempDir(), "results.csv"));
        Parallel.For(0, 16, i => store.Append(Row(i, i)));
        Assert.Equal(Enumerable.Range(0, 16), store.ReadAll().Select(r => r.Seed).Order());
    }

    [Fact]
    public void A_file_without_schema_is_refused_and_left_untouched()
    {
        string path = Path.Combine(Fixtures.TempDir(), "results.csv");
        File.WriteAllText(path, "dataset,accuracy\nfoo,1\n");
        var store = new ResultsStore(path);
        var e = Assert.Throws<InvalidDataException>(() => store.Append(Row(1, 1)));
        Assert.StartsWith(path, e.Message);
        Assert.Equal("dataset,accuracy\nfoo,1\n", File.ReadAllText(path));
    }

    [Fact]
    public void An_older_file_with_fewer_columns_is_read_and_upgraded()
    {
        string path = Path.Combine(Fixtures.TempDir(), "results.csv");
        File.WriteAllText(path, "schema_version,dataset,shots,seed,method,accuracy\n1,DTD,1,3,zero-shot,44.5\n");
        var store = new ResultsStore(path);
        store.Append(Row(1, 50));
        var rows = store.ReadAll();
        Assert.Equal(("DTD", 44.5, 0), (rows[0].Dataset, rows[0].Accuracy, rows[0].Rank));
        Assert.StartsWith(string.Join(",", ResultsStore.Columns), File.ReadAllText(path));
    }
}
