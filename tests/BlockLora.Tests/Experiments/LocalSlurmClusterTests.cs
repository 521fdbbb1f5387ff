namespace BlockLora.Tests.Experiments;

/// <summary>A real one-node Slurm cluster starts, runs a job array and stops (see <see cref="LocalSlurmCluster"/>).</summary>
[Collection(SlurmCollection.Name)]
public class LocalSlurmClusterTests
{
    [SlurmFact]
    public void A_local_cluster_runs_a_job_array_and_writes_its_logs()
    {
        using var cluster = LocalSlurmCluster.Start();
        string logs = Path.Combine(cluster.Folder, "array");
        Directory.CreateDirectory(logs);
        var (exit, submitted) = cluster.Run("sbatch", "--parsable", "--array=0-3", "--cpus-per-task=1", $"--output={logs}/%A_%a.out",
            "--wrap", "echo task $SLURM_ARRAY_TASK_ID of $SLURM_ARRAY_TASK_COUNT");
        Assert.True(exit == 0, $"sbatch exited with {exit}: {submitted}");
        // --parsable prints "jobid" or "jobid;cluster".
        string jobId = submitted.Trim().Split('\n')[0].Split(';')[0];
        Assert.Matches("^[0-9]+$", jobId);

        cluster.WaitUntilIdle(TimeSpan.FromMinutes(1));

        for (int task = 0; task < 4; task++)
        {
            string log = Path.Combine(logs, $"{jobId}_{task}.out");
            Assert.True(File.Exists(log), $"no {log}; the folder has: {string.Join(", ", Directory.GetFiles(logs).Select(Path.GetFileName))}");
            Assert.Equal($"task {task} of 4\n", File.ReadAllText(log));
        }
        Assert.Equal(4, Directory.GetFiles(logs).Length);
    }
}
