using BlockLora.Adapters;
using BlockLora.Data;
using BlockLora.Experiments;
using BlockLora.Results;

namespace BlockLora.Tests.Experiments;

public class StoredRunsTests
{
    private static readonly StoredRunsFolder Folder = StoredRunsFolder.Create();

    private static string Id(RunSpec spec) => StoredRunsFolder.IdOf(spec);

    [Fact]
    public void Rows_are_grouped_under_the_run_that_wrote_them_and_rows_without_an_id_stand_alone()
    {
        var runs = StoredRuns.Load(Folder.Dir).Runs;
        Assert.Equal(5, runs.Count);
        var a = runs.Single(r => r.Id == Id(Folder.A));
        Assert.Equal(["", "DTD"], a.Rows.Select(r => r.EvalDataset));
        Assert.Equal(87.5, a.Own.Accuracy);
        var c = runs.Single(r => r.Id == Id(Folder.C)); // its rows come from a shard's store
        Assert.Equal(["base", "new"], c.Rows.Select(r => r.Classes));
        var old = Assert.Single(runs, r => !r.HasId);
        Assert.Equal("(no id)", old.ShortId);
        Assert.Equal("2", old.Value("rank")); // read from the row's columns
    }

    [Fact]
    public void Where_matches_option_names_and_config_paths_numerically_and_ands_conditions()
    {
        var runs = StoredRuns.Load(Folder.Dir);
        string[] Ids(params string[] where) => runs.Select(where.Select(RunCondition.Parse).ToArray()).Runs.Select(r => r.Id).ToArray();

        Assert.Equal([Id(Folder.B)], Ids("rank=4"));
        Assert.Equal([Id(Folder.B)], Ids("training.lr=0.001"));
        // 2e-4 is the 0.0002 the config holds; the zero-shot run has no lr and the old row no config.
        Assert.Equal([Id(Folder.A), Id(Folder.C)], Ids("lr=2e-4"));
        Assert.Equal([Id(Folder.A)], Ids("lr=2e-4", "method=Block-LoRA"));
        Assert.Equal([Id(Folder.C)], Ids("classes=base"));
        Assert.Equal(4, Ids("classes=all").Length); // runs on every class have no classes in their config
        Assert.Empty(Ids("rank=4", "lr=2e-4"));
    }

    [Fact]
    public void A_listing_shows_exactly_the_settings_that_vary_among_its_runs()
    {
        var listing = StoredRuns.List(Folder.Dir, ["method=block-lora"]);
        Assert.Equal(["rank", "lr"], listing.Varying);
        var lines = listing.Format().ToArray();
        Assert.Equal("2 runs", lines[0]);
        Assert.Matches(@"^  id\s+dataset\s+shots\s+seed\s+method\s+rank\s+lr\s+accuracy\s+date$", lines[1]);
        Assert.Contains(lines, l => l.StartsWith($"  {Id(Folder.B)[..12]}  OxfordPets", StringComparison.Ordinal) && System.Text.RegularExpressions.Regex.IsMatch(l, @"\s4\s+0\.001\s+90\.00  2025-03-01 10:00$"));
    }

    [Fact]
    public void An_unknown_where_key_names_the_known_keys_and_a_bad_term_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => StoredRuns.List(Folder.Dir, ["rnak=4"]));
        Assert.StartsWith("unknown --where key 'rnak': known keys are ", e.Message);
        Assert.Contains("rank", e.Message);
        Assert.Contains("training.min_lr", e.Message); // a config setting no option sets is known by its path
        Assert.DoesNotContain('\n', e.Message);
        Assert.Contains("expected key=value", Assert.Throws<ArgumentException>(() => StoredRuns.List(Folder.Dir, ["rank"])).Message);
    }

    [Fact]
    public void An_id_is_found_by_a_unique_prefix_of_the_run_or_of_one_of_its_rows()
    {
        var runs = StoredRuns.Load(Folder.Dir);
        Assert.Equal(Id(Folder.A), runs.Find(Id(Folder.A)[..8].ToUpperInvariant()).Id);
        Assert.Equal(Id(Folder.A), runs.Find(RunIdentity.Of(Folder.A, "DTD").Id[..10]).Id);
        Assert.Equal(Id(Folder.C), runs.Find(RunIdentity.Of(Folder.C, "", ClassSubset.New).Id).Id);
        Assert.Contains("at least 4", Assert.Throws<ArgumentException>(() => runs.Find(Id(Folder.A)[..3])).Message);
        var unknown = Assert.Throws<ArgumentException>(() => runs.Find(Folder.UnusedPrefix())).Message;
        Assert.Equal($"no run with id '{Folder.UnusedPrefix()}' in {Folder.Dir} (1 row written before run ids have none and cannot be shown or compared)", unknown);
    }

    [Fact]
    public void An_ambiguous_prefix_says_how_many_runs_match_and_names_some()
    {
        string dir = Fixtures.TempDir();
        // Ids chosen to share their first digits: real ids rarely do in a small store.
        ResultsStore.In(dir).Append(
            new RunRecord { RunId = "abcd1" + new string('0', 59), Dataset = "DTD", Shots = 1, Seed = 1, Method = AdapterMethod.Lora, Accuracy = 1 },
            new RunRecord { RunId = "abcd2" + new string('0', 59), Dataset = "DTD", Shots = 1, Seed = 2, Method = AdapterMethod.Lora, Accuracy = 2 });
        var runs = StoredRuns.Load(dir);
        Assert.Equal("run id 'abcd' matches 2 runs (abcd10000000, abcd20000000): give more digits",
            Assert.Throws<ArgumentException>(() => runs.Find("abcd")).Message);
        Assert.Equal(2, runs.Find("abcd2").Own.Seed);
        // A row with an id but no config (hand-written or damaged) still shows what its columns say.
        Assert.Contains(StoredRuns.Show(dir, "abcd1").Format(), l => l.StartsWith("config: not in its row", StringComparison.Ordinal));
    }

    [Fact]
    public void A_folder_without_a_store_is_named()
    {
        string empty = Fixtures.TempDir();
        Assert.Equal($"{empty}: no results store here (no results.csv nor shards/*.csv)", Assert.Throws<ArgumentException>(() => StoredRuns.Load(empty)).Message);
        string missing = Path.Combine(empty, "nope");
        Assert.StartsWith($"{missing}: no results store here", Assert.Throws<ArgumentException>(() => StoredRuns.List(missing, [])).Message);
    }

    [Fact]
    public void Show_reads_the_evaluation_files_metrics_and_files_of_the_run_folder()
    {
        var details = StoredRuns.Show(Folder.Dir, Id(Folder.A)[..6]);
        Assert.Equal(Path.GetFullPath(Folder.A.RunFolder), Path.GetFullPath(details.Folder!));
        Assert.Equal([("OxfordPets", "all", 87.5, (double?)75), ("DTD", "all", 41.25, 75)],
            details.Evaluations.Select(e => (e.Dataset, e.Classes, e.Top1, e.MeanPerClass)));
        Assert.Equal(new RunMetricsSummary(3, 30, 2.5, 1.5, 1.25, 0.75, 120, 4.5, Damaged: false), details.Metrics);
        Assert.Equal(["adapter.safetensors", "config.json", "evaluation-DTD-all.json", "evaluation-OxfordPets-all.json", "metrics.csv"], details.Files.Select(f => f.Name));
        Assert.Equal(1234, details.Files[0].Bytes);
        Assert.Equal(new FileInfo(Path.Combine(Folder.A.RunFolder, "metrics.csv")).Length, details.Files[^1].Bytes);
        Assert.Equal(File.ReadAllText(Path.Combine(Folder.A.RunFolder, "config.json")), RunIdentity.OwnRunOf(details.Run.Own.Config).Json);
        var text = string.Join("\n", details.Format());
        Assert.Contains("\"lr\": 0.0002", text);
        Assert.Contains("metrics: 3 rows to iteration 30; loss 2.5 first, 1.5 last, 1.25 min; final batch accuracy 0.75; 120.0 images/s mean; 4.5 s elapsed", text);
    }

    [Fact]
    public void Show_works_without_the_record_files_and_says_when_metrics_are_damaged()
    {
        var b = StoredRuns.Show(Folder.Dir, Id(Folder.B));
        Assert.Equal(2, b.Metrics!.Rows);
        Assert.True(b.Metrics.Damaged);
        Assert.Contains("damaged after iteration 20", b.Metrics.Format());
        Assert.Null(Assert.Single(b.Evaluations).MeanPerClass);

        var d = StoredRuns.Show(Folder.Dir, Id(Folder.D)); // an empty run folder: a run from before the record files
        Assert.Null(d.Metrics);
        Assert.Empty(d.Files);
        Assert.Contains("metrics: no metrics.csv", d.Format());

        var c = StoredRuns.Show(Folder.Dir, Id(Folder.C)); // no run folder at all
        Assert.Null(c.Folder);
        Assert.Equal([("OxfordPets", "base", 88.0), ("OxfordPets", "new", 70.0)], c.Evaluations.Select(e => (e.Dataset, e.Classes, e.Top1)));
    }

    [Fact]
    public void Diff_names_exactly_the_settings_that_differ()
    {
        var ab = StoredRuns.Diff(Folder.Dir, Id(Folder.A), Id(Folder.B));
        Assert.Equal([new SettingDifference("rank", "2", "4"), new SettingDifference("lr", "0.0002", "0.001")], ab.Differences);

        var ac = StoredRuns.Diff(Folder.Dir, Id(Folder.A), Id(Folder.C));
        Assert.Equal([new SettingDifference("method", "block-lora", "lora"), new SettingDifference("blocks", "4", "1"), new SettingDifference("classes", "all", "base")],
            ac.Differences);
        var text = ac.Format().ToArray();
        Assert.Contains(text, l => l.Contains("OxfordPets") && l.Contains("all") && l.Contains("87.50") && l.TrimEnd().EndsWith('-'));
        Assert.Contains(text, l => l.Contains("new") && l.TrimEnd().EndsWith("70.00", StringComparison.Ordinal));

        Assert.Empty(StoredRuns.Diff(Folder.Dir, Id(Folder.A), Id(Folder.A)[..5]).Differences);
    }
}

