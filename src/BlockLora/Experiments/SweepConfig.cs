using BlockLora.Adapters;
using BlockLora.Data;
using BlockLora.Training;

namespace BlockLora.Experiments;

/// <summary>A grid of runs: datasets × shots × seeds × methods × ranks × blocks (LoRA ignores blocks; zero-shot runs once per dataset).</summary>
public sealed record SweepConfig
{
    public required string ModelPath { get; init; }
    public required string DataRoot { get; init; }
    public required IReadOnlyList<string> Datasets { get; init; }
    public IReadOnlyList<int> Shots { get; init; } = [1, 2, 4, 8, 16];
    public IReadOnlyList<int> Seeds { get; init; } = [1, 2, 3];
    public IReadOnlyList<AdapterMethod> Methods { get; init; } = AdapterMethods.All;
    public IReadOnlyList<int> Ranks { get; init; } = [2];
    public IReadOnlyList<int> Blocks { get; init; } = [8];
    public AdapterConfig Adapter { get; init; } = new();
    public TrainConfig Train { get; init; } = new();
    public string ResultsDir { get; init; } = "results";
    /// <summary>CoOp-layout datasets outside the catalog that <see cref="Datasets"/> may name (see <see cref="DatasetInfo.CustomCoOp"/>).</summary>
    public IReadOnlyList<DatasetInfo> CustomDatasets { get; init; } = [];

    public IReadOnlyList<RunSpec> Expand()
    {
        var specs = new List<RunSpec>();
        foreach (var dataset in Datasets)
        foreach (var method in Methods)
        {
            var common = new RunSpec { ModelPath = ModelPath, DataRoot = DataRoot, Dataset = dataset, Method = method, Adapter = Adapter, Train = Train, ResultsDir = ResultsDir, CustomDatasets = CustomDatasets };
            if (method == AdapterMethod.ZeroShot) { specs.Add(common); continue; }
            foreach (var shots in Shots)
            foreach (var seed in Seeds)
            foreach (var rank in Ranks)
            foreach (var blocks in Blocks.Select(n => method.Blocks(n)).Distinct())
                specs.Add(common with { Shots = shots, Seed = seed, Adapter = Adapter with { Rank = rank, Blocks = blocks } });
        }
        return specs;
    }
}
