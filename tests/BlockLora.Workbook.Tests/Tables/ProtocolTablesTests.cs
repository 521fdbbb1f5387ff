using System.Globalization;
using BlockLora.Data;
using BlockLora.Experiments;
using BlockLora.Results;
using BlockLora.Tests;
using BlockLora.Tests.Cli;
using BlockLora.Workbook.Notebooks;
using BlockLora.Workbook.Tables;
using Xunit.Abstractions;

namespace BlockLora.Workbook.Tests.Tables;

/// <summary>
/// Tables take exactly the runs of the grid file that declares them: a store that also holds an ablation at the same
/// method, r and n and a run differing only in lr must not change one cell.
/// </summary>
public class ProtocolTablesTests(ITestOutputHelper output)
{
    private const string Grid = """
        description: test few-shot table
        table: fewshot
        fixed:
          rank: 2
          blocks: 4
          iterations: 10
        grid:
          dataset: OxfordPets | DTD
          method: zero-shot | lora | block-lora
          shots: 1 | 2
          seed: 1 | 2 | 3
        """;

    private static string RepoRoot => WorkbookProfile.FindRepoRoot(AppContext.BaseDirectory);

    private static RunSpec Base(string model) => RunSettings.Defaults() with { ModelPath = model, DataRoot = "unused", ResultsDir = "unused" };

    /// <summary>A deterministic accuracy per run, different for every dataset, method, shots and seed.</summary>
    private static double Accuracy(RunSpec s) =>
        (s.Dataset == "DTD" ? 20 : 40) + (int)s.Method * 7 + s.Shots * 3 + (s.IsZeroShot ? 0 : s.Seed * 1.5);

    private static (GridFile File, List<RunRecord> Rows, string Dir) Store(string? model = null)
    {
        string dir = Fixtures.TempDir();
        string path = Path.Combine(dir, "fewshot.yaml");
        File.WriteAllText(path, Grid);
        var file = SweepGridFile.ReadFile(path);
        var config = new SweepConfig { Base = Base(model ?? Fixtures.ClipTiny("openai.safetensors")), Grids = [file.Grid] };
        var rows = config.Runs().Select(r => FewShotRun.Identity(r.Spec) with { Accuracy = Accuracy(r.Spec), Date = DateTimeOffset.UnixEpoch }).ToList();
        return (file, rows, dir);
    }

    private static IReadOnlyList<PaperValue> Paper => PaperNumbers.Load(Path.Combine(RepoRoot, "results", "paper"));

    private static ProtocolTable Build(GridFile file, IReadOnlyList<RunRecord> rows, TableSelection? selection = null) =>
        ProtocolTables.Build(file, Base(Fixtures.ClipTiny("openai.safetensors")), rows, Paper, "fill", selection);

    private static TableCell CellOf(ProtocolTable table, string dataset, string shots, string group) =>
        table.Lines.Single(l => l.Keys[0] == dataset && l.Keys[1] == shots).Cells[table.Groups.ToList().FindIndex(g => g.Label == group)];

    [Fact]
    public void Holds_only_the_grids_runs_whatever_else_shares_method_rank_and_blocks()
    {
        var (file, rows, _) = Store();
        var clean = Build(file, rows);
        // An ablation at the same method, r and n (other targets) and a run differing only in lr, on a cell of the table.
        var spec = Base(Fixtures.ClipTiny("openai.safetensors")) with { Dataset = "OxfordPets", Method = Adapters.AdapterMethod.BlockLora, Shots = 1, Seed = 1 };
        spec = spec with { Adapter = spec.Adapter with { Rank = 2, Blocks = 4 }, Train = spec.Train with { Iterations = 10 } };
        var polluted = rows
            .Append(FewShotRun.Identity(spec with { Adapter = spec.Adapter with { Targets = Adapters.AdapterTargetNames.Parse("q,k,v,o") } }) with { Accuracy = 99 })
            .Append(FewShotRun.Identity(spec with { Train = spec.Train with { LearningRate = 1e-3 } }) with { Accuracy = 1 })
            .ToArray();
        var table = Build(file, polluted);

        Assert.Equal(clean.ToCsv(), table.ToCsv());
        var cell = CellOf(table, "OxfordPets", "1", "Block-LoRA r=2 n=4");
        Assert.Equal(3, cell.Ours!.N);
        Assert.Equal(new[] { 1, 2, 3 }.Average(seed => 40 + 2 * 7 + 3 + seed * 1.5), cell.Ours.Mean, 10);
        Assert.Equal(1.5, cell.Ours.Sd!.Value, 10);
        Assert.Empty(table.Runs.Missing);
    }

    [Fact]
    public void Cells_stand_beside_the_published_number_of_their_method_dataset_and_shots()
    {
        var (file, rows, _) = Store();
        var table = Build(file, rows);
        var lora = CellOf(table, "OxfordPets", "1", "LoRA r=2");
        Assert.Equal(("CLIP-LoRA", 92.3), (lora.Paper!.Method, lora.Paper.Value));
        Assert.Equal(lora.Ours!.Mean - 92.3, lora.Difference!.Value, 10);
        Assert.Equal(89.1, CellOf(table, "OxfordPets", "2", "zero-shot").Paper!.Value); // zero-shot is published at 0 shots
        Assert.Null(CellOf(table, "OxfordPets", "1", "Block-LoRA r=2 n=4").Paper?.Value); // Block-LoRA's cells are not available offline
        Assert.Equal(72.2, table.Lines.Single(l => l.IsAverage && l.Keys[1] == "1").Cells[table.Groups.ToList().FindIndex(g => g.Label == "LoRA r=2")].Paper!.Value);
        Assert.Contains("| 92.30 |", table.ToMarkdown());
    }

    [Fact]
    public void Base_to_new_takes_each_half_of_exactly_its_grids_runs_and_the_hm_of_the_means()
    {
        string dir = Fixtures.TempDir();
        string path = Path.Combine(dir, "base-to-new.yaml");
        File.WriteAllText(path, """
            table: base-to-new
            fixed: { classes: base, shots: 4, rank: 2, blocks: 4, iterations: 10 }
            grid:
              dataset: OxfordPets | DTD
              method: zero-shot | lora | block-lora
              seed: 1 | 2
            """);
        var file = SweepGridFile.ReadFile(path);
        var runs = new SweepConfig { Base = Base(Fixtures.ClipTiny("openai.safetensors")), Grids = [file.Grid] }.Runs();
        var rows = runs.SelectMany(r => r.Spec.RowKeys.Select(k => FewShotRun.Identity(r.Spec, k.EvalDataset, k.EvalClasses) with
        {
            Accuracy = Accuracy(r.Spec) + (k.EvalClasses == ClassSubset.New ? -20 : 0),
        })).ToList();
        // The same runs on all classes (a few-shot run) must not enter.
        rows.AddRange(runs.Select(r => FewShotRun.Identity(r.Spec with { Classes = ClassSubset.All }) with { Accuracy = 1 }));
        var table = Build(file, rows);

        Assert.Equal(["base", "new", "HM"], table.Groups.Select(g => g.Label));
        var lora = table.Lines.Single(l => l.Keys[0] == "DTD" && l.Keys[1] == "LoRA r=2");
        double b = (20 + 7 + 12 + 1.5 + 20 + 7 + 12 + 3) / 2, n = b - 20;
        Assert.Equal((b, n), (lora.Cells[0].Ours!.Mean, lora.Cells[1].Ours!.Mean));
        Assert.Equal(HarmonicMean.Of(b, n), lora.Cells[2].Ours!.Mean, 10);
        Assert.Null(lora.Cells[2].Ours!.Sd);
        var average = table.Lines.Single(l => l.IsAverage && l.Keys[1] == "LoRA r=2");
        double oxfordBase = (40 + 7 + 12 + 1.5 + 40 + 7 + 12 + 3) / 2;
        Assert.Equal((b + oxfordBase) / 2, average.Cells[0].Ours!.Mean, 10);
        Assert.Equal((84.1, 74.8, 79.18), (average.Cells[0].Paper!.Value!.Value, average.Cells[1].Paper!.Value!.Value, average.Cells[2].Paper!.Value!.Value));
        Assert.Empty(table.Runs.Missing);
    }

    [Fact]
    public void The_average_is_the_mean_of_its_dataset_cells_and_zero_shot_has_no_sd()
    {
        var (file, rows, _) = Store();
        var table = Build(file, rows);
        foreach (var shots in new[] { "1", "2" })
            foreach (var group in table.Groups.Select(g => g.Label))
            {
                var average = table.Lines.Single(l => l.IsAverage && l.Keys[1] == shots).Cells[table.Groups.ToList().FindIndex(g => g.Label == group)];
                double expected = (CellOf(table, "OxfordPets", shots, group).Ours!.Mean + CellOf(table, "DTD", shots, group).Ours!.Mean) / 2;
                Assert.Equal(expected, average.Ours!.Mean, 10);
            }
        var zeroShot = CellOf(table, "DTD", "2", "zero-shot");
        Assert.Null(zeroShot.Ours!.Sd);
        Assert.Contains("± — (n=1)", zeroShot.Text);
        Assert.DoesNotContain("0.00 (n=1)", table.ToMarkdown());
    }

    [Fact]
    public void A_deleted_run_makes_its_cell_partial_and_the_listing_names_it()
    {
        var (file, rows, _) = Store();
        var removed = rows.Single(r => r.Dataset == "DTD" && r.Method == Adapters.AdapterMethod.Lora && r.Shots == 2 && r.Seed == 3);
        var table = Build(file, rows.Where(r => r != removed).ToArray());

        var cell = CellOf(table, "DTD", "2", "LoRA r=2");
        Assert.Equal(2, cell.Ours!.N);
        Assert.Equal(3, cell.Expected);
        Assert.Contains("(n=2 of 3)", cell.Text);
        var missing = Assert.Single(table.MissingRuns);
        Assert.Contains("dataset=DTD", missing);
        Assert.Contains("method=lora", missing);
        Assert.Contains("shots=2", missing);
        Assert.Contains("seed=3", missing);
        Assert.Contains("1 of 26 expected rows are missing", table.ToMarkdown());
        Assert.Contains("fill", table.ToMarkdown());
    }

    [Fact]
    public void A_cell_with_every_run_missing_shows_missing_and_its_average_too()
    {
        var (file, rows, _) = Store();
        var table = Build(file, rows.Where(r => !(r.Dataset == "OxfordPets" && r.Method == Adapters.AdapterMethod.BlockLora && r.Shots == 1)).ToArray());
        Assert.Null(CellOf(table, "OxfordPets", "1", "Block-LoRA r=2 n=4").Ours);
        Assert.Equal("missing (0 of 3)", CellOf(table, "OxfordPets", "1", "Block-LoRA r=2 n=4").Text);
        Assert.Null(table.Lines.Single(l => l.IsAverage && l.Keys[1] == "1").Cells[table.Groups.ToList().FindIndex(g => g.Label == "Block-LoRA r=2 n=4")].Ours);
        Assert.Equal(3, table.Runs.Missing.Count);
    }

    [Fact]
    public void A_store_with_two_backbones_is_refused_with_both_named_unless_one_is_chosen()
    {
        var (file, rows, dir) = Store();
        string other = Path.Combine(dir, "other-clip.safetensors");
        File.Copy(Fixtures.ClipTiny("openai.safetensors"), other);
        File.AppendAllText(other, " "); // another content, so another fingerprint
        var (_, otherRows, _) = Store(other);
        var both = rows.Concat(otherRows.Select(r => r with { Accuracy = r.Accuracy + 30 })).ToArray();

        var error = Assert.Throws<InvalidDataException>(() => Build(file, both));
        Assert.Contains("openai (", error.Message);
        Assert.Contains("other-clip (", error.Message);
        Assert.Contains("--backbone", error.Message);

        var chosen = Build(file, both, new TableSelection(Backbone: "openai"));
        Assert.Equal(Build(file, rows).ToCsv(), chosen.ToCsv());
    }

    [Fact]
    public void Block_lora_against_lora_is_a_paired_difference_over_datasets_and_seeds()
    {
        var (file, rows, _) = Store();
        var table = Build(file, rows);
        // Block-LoRA − LoRA = 7 points in every pair (Accuracy's method term), so the interval collapses on 7.
        var line = Assert.Single(table.Footer, n => n.StartsWith("Block-LoRA r=2 n=4 − LoRA r=2, 1 shot ", StringComparison.Ordinal));
        Assert.Contains("+7.00 points", line);
        Assert.Contains("6 pairs", line);
    }

    [Fact]
    public void Paired_difference_and_its_t_interval_match_a_hand_computation()
    {
        // Differences 1, 2, 3, 4: mean 2.5, sd = sqrt(5/3) = 1.290994; t(0.975, 3) = 3.182446 (tables);
        // half width = 3.182446 × 1.290994 / 2 = 2.054260.
        var d = PairedDifference.Of("d", [1, 2, 3, 4]);
        Assert.Equal(2.5, d.Mean, 12);
        Assert.Equal(Math.Sqrt(5.0 / 3), d.Sd!.Value, 12);
        Assert.Equal(2.5 - 2.054260, d.Low!.Value, 5);
        Assert.Equal(2.5 + 2.054260, d.High!.Value, 5);
        Assert.True(d.Excludes0);
        Assert.Contains("[+0.45, +4.55]", d.Format());
        var single = PairedDifference.Of("d", [3]);
        Assert.Null(single.Low);
        Assert.Contains("no interval", single.Format());
    }

    [Fact]
    public void Csv_rounds_as_printed()
    {
        var (file, rows, _) = Store();
        var csv = Build(file, rows.Select(r => r with { Accuracy = r.Accuracy + 1.0 / 3 }).ToArray()).ToCsv();
        Assert.DoesNotContain("3333", csv);
        Assert.Contains(".33,", csv);
    }

    [Fact]
    public void The_cli_writes_the_same_table_as_the_library_cell_by_cell()
    {
        var (file, rows, dir) = Store();
        string results = Path.Combine(dir, "results");
        ResultsStore.In(results).Append(rows.ToArray());
        string output = Path.Combine(dir, "tables");
        var run = BloraProcess.Run("tables", "--results", results, "--grid", file.Path, "--output", output);
        Assert.True(run.ExitCode == 0, run.Stderr);
        var library = TablesJob.Run(new TablesConfig
        {
            ResultsDir = results,
            GridFiles = [file.Path],
            TableBase = RunSettings.Defaults(),
            PaperDir = Path.Combine(RepoRoot, "results", "paper"),
        }).Tables.Single();
        Assert.Equal(library.ToCsv(), File.ReadAllText(Path.Combine(output, "fewshot.csv")));
        Assert.True(File.Exists(Path.Combine(output, "fewshot.md")));
        Assert.Contains("26 of 26 expected rows found", run.Stdout);
    }

    [Fact]
    public void Missing_runs_still_exit_0_and_print_the_fill_command()
    {
        var (file, rows, dir) = Store();
        string results = Path.Combine(dir, "results");
        ResultsStore.In(results).Append(rows.Where(r => r.Seed != 3).ToArray());
        var run = BloraProcess.Run("tables", "--results", results, "--grid", file.Path);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("8 missing, fill with: blora sweep --grid", run.Stdout);
        Assert.True(File.Exists(Path.Combine(results, "tables", "fewshot.csv")));
    }

    [Fact]
    public void Bad_input_is_one_line_and_exit_2()
    {
        var (file, rows, dir) = Store();
        var noStore = BloraProcess.Run("tables", "--results", Path.Combine(dir, "nothing-here"), "--grid", file.Path);
        Assert.Equal(2, noStore.ExitCode);
        Assert.Contains("no results store", noStore.Stderr);
        Assert.Single(noStore.Stderr.Trim().Split('\n'));

        string results = Path.Combine(dir, "results");
        ResultsStore.In(results).Append(rows.ToArray());
        string broken = Path.Combine(dir, "broken.yaml");
        File.WriteAllText(broken, "table: fewshot\ngrid:\n  dataset: [OxfordPets\n");
        var bad = BloraProcess.Run("tables", "--results", results, "--grid", broken);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("broken.yaml", bad.Stderr);
        Assert.Single(bad.Stderr.Trim().Split('\n'));

        string noTable = Path.Combine(dir, "plain.yaml");
        File.WriteAllText(noTable, "grid:\n  dataset: OxfordPets\n");
        var plain = BloraProcess.Run("tables", "--results", results, "--grid", noTable);
        Assert.Equal(2, plain.ExitCode);
        Assert.Contains("declares no table", plain.Stderr);
    }

    [Fact]
    public void Builds_from_a_10000_row_store()
    {
        // Not a timing assertion: the time is printed for the record (docs state the measured figure).
        var (file, rows, _) = Store();
        var noise = new List<RunRecord>(rows);
        var spec = Base(Fixtures.ClipTiny("openai.safetensors")) with { Dataset = "OxfordPets", Method = Adapters.AdapterMethod.BlockLora, Shots = 1 };
        for (int i = 0; noise.Count < 10_000; i++)
            noise.Add(FewShotRun.Identity(spec with { Seed = 100 + i, Train = spec.Train with { LearningRate = 1e-3 } }) with { Accuracy = i % 100 });
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var table = Build(file, noise);
        output.WriteLine($"fewshot table from {noise.Count} rows in {clock.Elapsed.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture)} s");
        Assert.Equal(Build(file, rows).ToCsv(), table.ToCsv());
    }
}
