using BlockLora.Adapters;
using BlockLora.Experiments;
using BlockLora.Training;

namespace BlockLora.Tests.Experiments;

/// <summary>Shards partition a sweep exactly, balance its work, and parse i/N and slurm with clear errors.</summary>
public class ShardTests
{
    private static IReadOnlyList<RunSpec> Runs()
    {
        var grid = new SweepGrid
        {
            Axes =
            [
                GridSetting.Of("method", new[] { AdapterMethod.ZeroShot, AdapterMethod.Lora, AdapterMethod.BlockLora }),
                GridSetting.Of("shots", new[] { 1, 2, 4, 8, 16 }), GridSetting.Of("seed", new[] { 1, 2, 3 }),
                GridSetting.Of("lr", new[] { 1e-4, 2e-4 }),
            ],
        };
        var basis = RunSettings.Defaults() with
        {
            ModelPath = Fixtures.ClipTiny("openai.safetensors"), DataRoot = "/data", Dataset = "DTD", Train = new TrainConfig { IterationsPerShot = 10 },
        };
        return new SweepConfig { Base = basis, Grids = [grid] }.Expand();
    }

    [Theory]
    [InlineData(1)] [InlineData(2)] [InlineData(3)] [InlineData(4)] [InlineData(5)] [InlineData(6)] [InlineData(7)]
    public void Shards_partition_the_runs_exactly_and_balance_their_iterations(int count)
    {
        var runs = Runs();
        Assert.Equal(1 + 2 * 5 * 3 * 2, runs.Count);
        var slices = Enumerable.Range(0, count).Select(i => new Shard(i, count).Select(runs, r => r)).ToArray();
        var union = slices.SelectMany(s => s).Select(r => RunIdentity.Of(r).Id).ToArray();
        Assert.Equal(runs.Count, union.Length); // no run in two shards
        Assert.Equal(runs.Select(r => RunIdentity.Of(r).Id).Order(), union.Order()); // and none left out

        var loads = slices.Select(s => s.Sum(r => Math.Max(1, r.Iterations))).ToArray();
        Assert.True(loads.Max() - loads.Min() <= runs.Max(r => r.Iterations), $"loads {string.Join(", ", loads)}");
        // The same grid gives the same assignment in another process: it depends on nothing else.
        Assert.Equal(Shard.Assign(runs, count), Shard.Assign(Runs(), count));
    }

    [Theory]
    [InlineData("3/3", "shard 3 is out of range 0-2")]
    [InlineData("0/0", "the shard count must be at least 1")]
    [InlineData("1-4", "expected i/N")]
    [InlineData("-1/4", "expected i/N")]
    [InlineData("a/b", "expected i/N")]
    public void A_malformed_or_out_of_range_shard_is_refused(string text, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => Shard.Parse(text));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Shard_slurm_reads_the_array_task_and_fails_outside_slurm()
    {
        var env = new Dictionary<string, string?> { [Shard.SlurmTaskId] = "2", [Shard.SlurmTaskCount] = "4" };
        Assert.Equal(new Shard(2, 4), Shard.Parse("slurm", environment: k => env.GetValueOrDefault(k)));
        // A resubmission of tasks 2 and 5 of 6 has SLURM_ARRAY_TASK_COUNT=2: the script passes the sweep's count.
        env[Shard.SlurmTaskCount] = "2";
        Assert.Equal(new Shard(2, 6), Shard.Parse("slurm", 6, k => env.GetValueOrDefault(k)));
        var outside = Assert.Throws<ArgumentException>(() => Shard.Parse("slurm", environment: _ => null));
        Assert.Contains("SLURM_ARRAY_TASK_ID is not set", outside.Message);
        env[Shard.SlurmTaskId] = "7";
        Assert.Contains("out of range", Assert.Throws<ArgumentException>(() => Shard.Parse("slurm", 6, k => env.GetValueOrDefault(k))).Message);
    }
}
