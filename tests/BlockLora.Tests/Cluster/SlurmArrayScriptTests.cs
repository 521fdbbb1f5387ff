using BlockLora.Cluster;

namespace BlockLora.Tests.Cluster;

public class SlurmArrayScriptTests
{
    [Fact]
    public void The_script_names_logs_by_array_job_and_task_and_passes_the_resources_through()
    {
        var text = SlurmArrayScript.Format(["/usr/bin/dotnet", "/opt/blora/blora.dll", "sweep", "--targets", "q,k,v | v,o", "--template", "it's a {}."],
            [0, 1, 2, 3], 4, "/r/slurm/abc", "/home/me/work",
            new SlurmJobOptions { Partition = "gpu", Gres = "gpu:1", Time = "04:00:00", CpusPerTask = 8, Mem = "32G", MaxParallel = 2 });
        var lines = text.Split('\n');
        Assert.Equal("#!/bin/bash", lines[0]);
        foreach (var expected in new[] { "#SBATCH --array=0-3%2", "#SBATCH --output=/r/slurm/abc/%A_%a.out", "#SBATCH --chdir=/home/me/work", "#SBATCH --cpus-per-task=8",
                     "#SBATCH --partition=gpu", "#SBATCH --gres=gpu:1", "#SBATCH --time=04:00:00", "#SBATCH --mem=32G" })
            Assert.Contains(expected, lines);
        Assert.Contains("exec /usr/bin/dotnet /opt/blora/blora.dll sweep --targets 'q,k,v | v,o' --template 'it'\\''s a {}.'", lines);
    }

    [Fact]
    public void A_resubmission_lists_its_shards_and_bad_resources_are_refused()
    {
        Assert.Equal("1,4,5", SlurmArrayScript.ArraySpec([5, 1, 4]));
        Assert.Equal("2-4", SlurmArrayScript.ArraySpec([2, 3, 4]));
        Assert.Equal("3", SlurmArrayScript.ArraySpec([3]));
        Assert.Contains("--mem '16 G' must be one word", Assert.Throws<ArgumentException>(() => SlurmArrayScript.Format(["x"], [0], 1, "/l", "/w", new SlurmJobOptions { Mem = "16 G" })).Message);
        Assert.Contains("--cpus-per-task must be positive", Assert.Throws<ArgumentException>(() => SlurmArrayScript.Format(["x"], [0], 1, "/l", "/w", new SlurmJobOptions { CpusPerTask = 0 })).Message);
    }
}
