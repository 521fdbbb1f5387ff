using BlockLora.Adapters;
using BlockLora.Results;
using BlockLora.Tests.Experiments;

namespace BlockLora.Tests.Cli;

/// <summary><c>blora results list | show | diff</c> through the built CLI, on a hand-made results folder.</summary>
public class ResultsCommandTests
{
    private static readonly StoredRunsFolder Folder = StoredRunsFolder.Create();

    private static string Id(BlockLora.Experiments.RunSpec spec) => StoredRunsFolder.IdOf(spec);

    private static BloraProcess.Result Blora(params string[] args) => BloraProcess.Run(["results", .. args, "--results", Folder.Dir]);

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Exit 2 and exactly one line, <c>blora: </c> and the message.</summary>
    private static void AssertOneLineError(BloraProcess.Result r, string message)
    {
        Assert.Equal(2, r.ExitCode);
        Assert.Equal($"blora: {message}", Assert.Single(Lines(r.Stderr)).TrimEnd('\r'));
        Assert.Equal("", r.Stdout);
    }

    [Fact]
    public void List_selects_with_where_and_shows_the_settings_that_vary()
    {
        var all = Blora("list");
        Assert.True(all.ExitCode == 0, all.Stderr);
        Assert.Contains(Lines(all.Stdout), l => l.TrimStart().StartsWith("(no id)", StringComparison.Ordinal));
        Assert.Equal(7, Lines(all.Stdout).Length); // count, header, five runs

        var adapted = Blora("list", "--where", "lr=2e-4", "--where", "method=block-lora");
        Assert.True(adapted.ExitCode == 0, adapted.Stderr);
        var lines = Lines(adapted.Stdout);
        Assert.Equal("1 run", lines[0]);
        Assert.StartsWith($"  {Id(Folder.A)[..12]}  OxfordPets      4     1  block-lora", lines[2]);

        var two = Lines(Blora("list", "--where", "method=block-lora").Stdout);
        Assert.Matches(@"^  id\s+dataset\s+shots\s+seed\s+method\s+rank\s+lr\s+accuracy\s+date$", two[1]);
    }

    [Fact]
    public void Show_prints_config_accuracies_metrics_and_files()
    {
        var show = Blora("show", Id(Folder.A)[..7]);
        Assert.True(show.ExitCode == 0, show.Stderr);
        Assert.StartsWith($"run {Id(Folder.A)}\n", show.Stdout);
        Assert.Contains("\"rank\": 2", show.Stdout);
        Assert.Matches(@"\n  DTD\s+all\s+41\.25\s+75\.00\n", show.Stdout);
        Assert.Contains("metrics: 3 rows to iteration 30;", show.Stdout);
        Assert.Matches(@"\n  adapter\.safetensors\s+1234\n", show.Stdout);

        var zeroShot = Blora("show", Id(Folder.D));
        Assert.True(zeroShot.ExitCode == 0, zeroShot.Stderr);
        Assert.Contains("metrics: no metrics.csv", zeroShot.Stdout);
    }

    [Fact]
    public void Diff_prints_the_differing_settings_then_both_accuracies()
    {
        var diff = Blora("diff", Id(Folder.A)[..6], Id(Folder.B)[..6]);
        Assert.True(diff.ExitCode == 0, diff.Stderr);
        var lines = Lines(diff.Stdout);
        Assert.Equal($"{Id(Folder.A)[..12]} and {Id(Folder.B)[..12]} differ in 2 settings:", lines[0]);
        Assert.Matches(@"^  rank\s+2\s+4$", lines[2]);
        Assert.Matches(@"^  lr\s+0\.0002\s+0\.001$", lines[3]);
        Assert.Equal("accuracy (top-1):", lines[4]);
        Assert.Matches(@"^  OxfordPets\s+all\s+87\.50\s+90\.00$", lines[6]);
    }

    [Fact]
    public void Bad_ids_folders_and_where_keys_are_one_line_errors()
    {
        string dir = Fixtures.TempDir();
        ResultsStore.In(dir).Append(
            new RunRecord { RunId = "abcd1" + new string('0', 59), Dataset = "DTD", Shots = 1, Seed = 1, Method = AdapterMethod.Lora, Accuracy = 1 },
            new RunRecord { RunId = "abcd2" + new string('0', 59), Dataset = "DTD", Shots = 1, Seed = 2, Method = AdapterMethod.Lora, Accuracy = 2 });
        AssertOneLineError(BloraProcess.Run("results", "show", "abcd", "--results", dir),
            "run id 'abcd' matches 2 runs (abcd10000000, abcd20000000): give more digits");

        string unused = Folder.UnusedPrefix();
        AssertOneLineError(Blora("diff", Id(Folder.A), unused),
            $"no run with id '{unused}' in {Folder.Dir} (1 row written before run ids have none and cannot be shown or compared)");

        string empty = Fixtures.TempDir();
        AssertOneLineError(BloraProcess.Run("results", "list", "--results", empty), $"{empty}: no results store here (no results.csv nor shards/*.csv)");

        var where = Blora("list", "--where", "learning-rate=1");
        Assert.Equal(2, where.ExitCode);
        Assert.StartsWith("blora: unknown --where key 'learning-rate': known keys are ", Assert.Single(Lines(where.Stderr)));
    }
}
