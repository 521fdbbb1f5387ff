using System.Globalization;
using BlockLora.IO;

namespace BlockLora.Cluster;

/// <summary>
/// The job arrays submitted for a sweep, kept in <c>RESULTS/slurm/&lt;sweep id&gt;/jobs.tsv</c> (job id, shard count,
/// shards, time), so <c>--status</c> and a resubmission can ask Slurm which shards are still queued or running.
/// </summary>
public sealed class SlurmSubmissions(string folder)
{
    public sealed record Submission(string JobId, int ShardCount, IReadOnlyList<int> Shards, DateTimeOffset Submitted);

    public string Folder { get; } = folder;
    public string FilePath => Path.Combine(Folder, "jobs.tsv");
    /// <summary>Where the array tasks' <c>%A_%a.out</c> logs go.</summary>
    public string LogDir => Folder;

    /// <summary>The submissions folder of a sweep under a results folder.</summary>
    public static SlurmSubmissions For(string resultsDir, string sweepId) => new(Path.Combine(resultsDir, "slurm", sweepId));

    public IReadOnlyList<Submission> ReadAll()
    {
        if (!File.Exists(FilePath)) return [];
        var submissions = new List<Submission>();
        foreach (var (line, number) in File.ReadAllLines(FilePath).Select((l, i) => (l, i + 1)))
        {
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var f = line.Split('\t');
            if (f.Length != 4 || !int.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out int count)
                || !DateTimeOffset.TryParse(f[3], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when))
                throw new InvalidDataException($"{FilePath}: line {number} is not 'job id, shard count, shards, time' (tab-separated)");
            var shards = f[2].Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            submissions.Add(new Submission(f[0], count, shards, when));
        }
        return submissions;
    }

    public void Add(Submission submission)
    {
        var lines = File.Exists(FilePath) ? File.ReadAllLines(FilePath).ToList() : ["# job_id\tshard_count\tshards\tsubmitted"];
        lines.Add(string.Join('\t', submission.JobId, submission.ShardCount.ToString(CultureInfo.InvariantCulture),
            string.Join(",", submission.Shards), submission.Submitted.ToString("o", CultureInfo.InvariantCulture)));
        AtomicFile.WriteAllText(FilePath, string.Join('\n', lines) + "\n");
    }
}
