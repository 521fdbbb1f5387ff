using BlockLora.Adapters;
using BlockLora.Experiments;
using BlockLora.Results;
using BlockLora.Tests;
using BlockLora.Workbook.Notebooks;
using BlockLora.Workbook.Tables;

namespace BlockLora.Workbook.Tests.Tables;

public class GridTablesTests
{
    private static string RepoRoot => WorkbookProfile.FindRepoRoot(AppContext.BaseDirectory);

    [Fact]
    public void Table_has_one_row_per_point_of_the_file_averaged_over_seeds_and_ignores_other_runs()
    {
        var smoke = WorkbookProfile.Smoke(RepoRoot) with { ResultsDir = Fixtures.TempDir() };
        var fileGrid = SweepGridFile.Read(smoke.AblationFile("ablation-targets"));
        var config = new SweepConfig
        {
            Base = smoke.TableBase,
            // The file fixes seed 1; a later layer over it runs two seeds.
            Grids = [fileGrid, new SweepGrid { Axes = [GridSetting.Of("seed", new[] { 1, 2 })] }],
        };
        var runs = config.Runs();
        Assert.Equal(6, runs.Count);
        var rows = runs.Select(r => (r, i: Array.IndexOf(["q,k,v", "v,o", "q,k,v,o"], r.Choices.Single(c => c.Option.Key == "targets").Value)))
            .Select(p => FewShotRun.Identity(p.r.Spec) with { Accuracy = 50 + 10 * p.i + p.r.Spec.Seed, TrainableParameters = 100 * (p.i + 1), TrainSeconds = 2 })
            .Where(r => !(r.Targets == "v,o" && r.Seed == 2)) // one run of v,o not finished yet
            .Append(FewShotRun.Identity(smoke.Run(smoke.TrainDataset, AdapterMethod.Lora, smoke.MainShots)) with { Accuracy = 1 }) // another file's run
            .ToArray();

        var table = GridTables.Rows(fileGrid, runs, rows);
        Assert.Equal(["targets=q,k,v", "targets=v,o", "targets=q,k,v,o"], table.Select(r => r.Label));
        Assert.Equal([51.5, 61, 71.5], table.Select(r => r.Accuracy!.Value));
        Assert.Equal([(2, 2), (2, 1), (2, 2)], table.Select(r => (r.Runs, r.Finished)));
        Assert.Equal([100L, 200, 300], table.Select(r => r.TrainableParameters!.Value));
        Assert.All(table, r => Assert.Equal("Block-LoRA r=2 n=4", r.Adapter));
        Assert.Equal(["q,k,v", "v,o", "q,k,v,o"], table.Select(r => r.Targets));
        Assert.DoesNotContain(GridTables.Rows(fileGrid, runs, []), r => r.Accuracy is not null);

        var frame = GridTables.ToFrame(table);
        Assert.Equal(3, frame.RowCount);
        Assert.Equal("targets", frame.ColumnKeys.First());
        Assert.Contains("trainable parameters", frame.ColumnKeys);
        Assert.Contains("train seconds", frame.ColumnKeys);

        // The notebook's record reads the same rows from the store, by run id.
        ResultsStore.In(smoke.ResultsDir).Append(rows);
        var ablation = new GridAblation("ablation-targets", smoke.AblationFile("ablation-targets"), "", fileGrid, runs, new Sweep.Summary(runs.Count, 0, 0), smoke.ResultsDir);
        Assert.Equal(5, ablation.Rows().Count);
        Assert.Equal(3, ablation.Summaries().Count);
        Assert.Equal(table.Select(r => r.Accuracy), ablation.Table().Select(r => r.Accuracy));
        Assert.Contains("targets: q,k,v | v,o | q,k,v,o", ablation.Html());
    }
}
