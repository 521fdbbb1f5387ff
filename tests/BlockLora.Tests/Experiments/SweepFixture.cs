using BlockLora.Data;
using BlockLora.Tests.Data;

namespace BlockLora.Tests.Experiments;

/// <summary>
/// A small real sweep for the CLI and Slurm tests: the tiny CLIP, two generated CoOp datasets, and a grid file over two
/// non-rank axes (targets × lr) that the command line crosses with both datasets: 12 runs of a few steps each.
/// </summary>
public sealed record SweepFixture(string DataRoot, string GridFile, string Model)
{
    public static readonly string[] Datasets = [DatasetCatalog.OxfordPets.Name, DatasetCatalog.Dtd.Name];
    public const int Runs = 12;

    public static SweepFixture Create(int iterations = 6, int checkpointEvery = 2)
    {
        string root = Fixtures.TempDir();
        TinyCoOpDataset.Create(root, classes: 3, trainPerClass: 2, testPerClass: 2, seed: 3);
        SmokeData.CreateCoOp(root, DatasetCatalog.Dtd, new SmokeDataOptions { Classes = 3, TrainPerClass = 2, ValPerClass = 1, TestPerClass = 2, Seed = 8, ImageSize = 48 });
        string grid = Path.Combine(Fixtures.TempDir(), "targets-lr.yaml");
        File.WriteAllText(grid, $"""
            description: which matrices, at which learning rate
            fixed:
              method: block-lora
              rank: 2
              blocks: 2
              shots: 1
              seed: 1
              iterations: {iterations}
              batch-size: 4
              checkpoint-every: {checkpointEvery}
              precision: fp32
            grid:
              targets: q,k,v | v,o | q,k,v,o
              lr: [1e-3, 5e-3]
            """);
        return new SweepFixture(root, grid, Fixtures.ClipTiny("openai.safetensors"));
    }

    /// <summary>The sweep's arguments (datasets from the command line, everything else from the grid file).</summary>
    public string[] Args(string results, params string[] more) => ArgsFor(Datasets, results, more);

    /// <summary>The sweep on some of the datasets only (6 runs per dataset).</summary>
    public string[] ArgsFor(IReadOnlyList<string> datasets, string results, params string[] more) =>
        ["sweep", "--grid", GridFile, "--datasets", string.Join(",", datasets), "--model", Model, "--data-root", DataRoot, "--results", results, .. more];
}
