using BlockLora.Adapters;
using BlockLora.Results;
using BlockLora.Tests;
using BlockLora.Tests.Cli;
using BlockLora.Workbook.Demo;

namespace BlockLora.Workbook.Tests.Demo;

/// <summary>The cut-down demo end to end on the bundled checkpoint and the installed Fashion-MNIST, and its one-line errors.</summary>
[Collection(TrainingCollection.Name)]
public class DemoRunnerTests
{
    [Fact]
    public void Quick_demo_writes_tasks_rows_chart_and_passes_the_switching_check()
    {
        DemoPackages.RequireFashionMnist();
        string results = Fixtures.TempDir();
        var report = DemoRunner.Run(new DemoConfig { Quick = true, ResultsDir = results, WritePng = false, DataWorkers = 2, Switches = 5 });

        // The task went to disk in CoOp layout and through the benchmark reader.
        string split = Path.Combine(results, "data", "fashion-heldout", "split_zhou_FashionHeldOut.json");
        Assert.True(File.Exists(split), split);
        Assert.Equal(4 * 100, Directory.GetFiles(Path.Combine(results, "data", "fashion-heldout", "images"), "train-*.png", SearchOption.AllDirectories).Length);

        Assert.Equal(["zero-shot", "LoRA", "Block-LoRA n=4"], report.Rows.Select(r => r.Label).ToArray());
        // --quick runs the first seed only: one run per configuration, so the table says n=1 and draws no spread.
        Assert.All(report.Rows, r => Assert.Equal(1, r.Seed));
        Assert.Contains("(n=1)", report.FormatTable());
        Assert.Contains("one seed (no spread)", File.ReadAllText(report.SummaryPath));
        var rows = new ResultsStore(Path.Combine(results, "results.csv")).ReadAll();
        Assert.Equal([AdapterMethod.ZeroShot, AdapterMethod.Lora, AdapterMethod.BlockLora], rows.Select(r => r.Method).ToArray());
        Assert.All(rows, r => Assert.Equal((DemoTasks.FashionName, "clip-fashion-tiny"), (r.Dataset, r.Backbone)));
        Assert.All(rows, r => Assert.InRange(r.Accuracy, 0, 100));
        // LoRA r=2 on q/k/v of 4 + 3 layers of width 128: 21 · 2 · (128 + 128); Block-LoRA n=4: 21 · 2 · (128 + 32).
        Assert.Equal([0L, 10_752L, 6_720L], rows.Select(r => r.TrainableParameters).ToArray());

        string html = File.ReadAllText(Path.Combine(results, DemoRunner.HtmlName));
        Assert.Contains("Plotly.newPlot", html);
        Assert.True(html.Length > 1_000_000, "plotly.js should be inline, so the page works offline");
        Assert.Null(report.PngPath);

        Assert.True(report.Switching.Passed, report.FormatSwitching());
        Assert.True(report.Switching.BaseRestored);
        Assert.Equal(2, report.Switching.Adapters.Count);
        Assert.Contains("PASSED", report.FormatSwitching());
        Assert.True(File.Exists(report.SummaryPath));
    }

    [Fact]
    public void Missing_data_package_says_how_to_install_it()
    {
        var config = new DemoConfig { Quick = true, ResultsDir = Fixtures.TempDir(), FashionMnistDirectory = Path.Combine(Fixtures.TempDir(), "none") };
        var e = Assert.Throws<DemoDataMissingException>(() => DemoRunner.Run(config));
        Assert.Contains("sudo apt-get install -y dataset-fashion-mnist", e.Message);

        var digits = config with { Quick = false, FashionMnistDirectory = FashionMnist.DefaultDirectory, DigitsPath = Path.Combine(Fixtures.TempDir(), "digits.csv.gz") };
        if (File.Exists(Path.Combine(FashionMnist.DefaultDirectory, "train-images-idx3-ubyte.gz")))
            Assert.Contains("python3-sklearn", Assert.Throws<DemoDataMissingException>(() => DemoRunner.Run(digits)).Message);
    }

    [Fact]
    public void Unwritable_results_and_too_many_shots_are_one_line_each()
    {
        DemoPackages.RequireFashionMnist();
        string file = Path.Combine(Fixtures.TempDir(), "a-file");
        File.WriteAllText(file, "");
        var unwritable = BloraProcess.Run("demo", "--quick", "--results", Path.Combine(file, "results"));
        Assert.Equal(2, unwritable.ExitCode);
        Assert.Contains("not writable", unwritable.Stderr);
        Assert.Single(unwritable.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        var shots = BloraProcess.Run("demo", "--quick", "--shots", "500", "--results", Fixtures.TempDir());
        Assert.Equal(2, shots.ExitCode);
        Assert.Contains("--shots 500 is more than the 100 train images per class", shots.Stderr);
        Assert.Single(shots.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        var badShots = BloraProcess.Run("demo", "--shots", "1,x", "--results", Fixtures.TempDir());
        Assert.Equal(2, badShots.ExitCode);
        Assert.Contains("'x' is not an integer", badShots.Stderr);
    }
}
