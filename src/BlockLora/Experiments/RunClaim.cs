using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using BlockLora.IO;

namespace BlockLora.Experiments;

/// <summary>
/// <c>claim.json</c> in a run folder: which process is running the run (host, pid and that process's start time, its
/// shard and Slurm task), refreshed by a heartbeat, or that the run failed and why. A claim whose process is gone (same
/// host: no such pid with that start time; another host: no heartbeat for <see cref="StaleAfter"/>) is stale, and the
/// next sweep that reaches the run takes it over and resumes it from its checkpoint. A finished run has no claim.
/// </summary>
public sealed record RunClaim
{
    public const string FileName = "claim.json";
    public const string Running = "running";
    public const string Failed = "failed";

    /// <summary>How often a holder rewrites its heartbeat, and how long a silent claim from another host stays live.</summary>
    public static readonly TimeSpan HeartbeatEvery = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(10);

    [JsonPropertyName("state")] public string State { get; init; } = Running;
    [JsonPropertyName("host")] public string Host { get; init; } = "";
    [JsonPropertyName("pid")] public int Pid { get; init; }
    /// <summary>The process's start time in clock ticks since boot (/proc/PID/stat), so a reused pid is not taken for the holder.</summary>
    [JsonPropertyName("process_start")] public long ProcessStart { get; init; }
    [JsonPropertyName("owner")] public string Owner { get; init; } = "";
    [JsonPropertyName("started")] public DateTimeOffset Started { get; init; }
    [JsonPropertyName("heartbeat")] public DateTimeOffset Heartbeat { get; init; }
    [JsonPropertyName("error")] public string Error { get; init; } = "";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static string PathIn(string runFolder) => Path.Combine(runFolder, FileName);

    /// <summary>The claim in a run folder, or null when there is none (or it is unreadable: a claim is advisory).</summary>
    public static RunClaim? Read(string runFolder)
    {
        try
        {
            return JsonSerializer.Deserialize<RunClaim>(File.ReadAllText(PathIn(runFolder)));
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Whether the holder of a running claim is still alive.</summary>
    public bool IsLive(DateTimeOffset now)
    {
        if (State != Running) return false;
        if (Host == Environment.MachineName) return ProcessStartTime(Pid) is { } start && start == ProcessStart;
        return now - Heartbeat < StaleAfter;
    }

    /// <summary>
    /// Claims the run for this process, unless a live claim holds it (then null). A stale or failed claim is replaced.
    /// The returned holder keeps the heartbeat going until it is disposed (which removes the claim) or marked failed.
    /// </summary>
    public static Holder? TryAcquire(string runFolder, string owner)
    {
        Directory.CreateDirectory(runFolder);
        string path = PathIn(runFolder);
        for (int attempt = 0; attempt < 2; attempt++)
        {
            var now = DateTimeOffset.UtcNow;
            var claim = new RunClaim
            {
                Host = Environment.MachineName, Pid = Environment.ProcessId, ProcessStart = ProcessStartTime(Environment.ProcessId) ?? 0,
                Owner = owner, Started = now, Heartbeat = now,
            };
            try
            {
                // CreateNew is the atomic test-and-set: of two processes reaching a free run at once, one gets it.
                using (var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                    JsonSerializer.Serialize(stream, claim, Json);
                return new Holder(runFolder, claim);
            }
            catch (IOException) when (File.Exists(path))
            {
                var existing = Read(runFolder);
                if (existing is not null && existing.IsLive(DateTimeOffset.UtcNow)) return null;
                File.Delete(path);
            }
        }
        return null;
    }

    /// <summary>A held claim: heartbeats while the run trains.</summary>
    public sealed class Holder : IDisposable
    {
        private readonly string runFolder;
        private readonly Timer heartbeat;
        private RunClaim claim;
        private bool done;

        internal Holder(string runFolder, RunClaim claim)
        {
            this.runFolder = runFolder;
            this.claim = claim;
            heartbeat = new Timer(_ => Beat(), null, HeartbeatEvery, HeartbeatEvery);
        }

        public RunClaim Claim => claim;

        private void Beat()
        {
            lock (heartbeat)
            {
                if (done) return;
                claim = claim with { Heartbeat = DateTimeOffset.UtcNow };
                try { Write(); } catch (IOException) { } // a missed beat only makes the claim look older
            }
        }

        /// <summary>Records that the run failed (the error for <c>--status</c>); the next sweep retries it.</summary>
        public void MarkFailed(string error)
        {
            lock (heartbeat)
            {
                done = true;
                claim = claim with { State = Failed, Error = error.ReplaceLineEndings(" "), Heartbeat = DateTimeOffset.UtcNow };
                Write();
            }
        }

        private void Write() => AtomicFile.WriteAllText(PathIn(runFolder), JsonSerializer.Serialize(claim, Json));

        /// <summary>Stops the heartbeat; removes the claim unless the run was marked failed.</summary>
        public void Dispose()
        {
            lock (heartbeat)
            {
                bool failed = claim.State == Failed;
                done = true;
                heartbeat.Dispose();
                if (!failed) File.Delete(PathIn(runFolder));
            }
        }
    }

    /// <summary>Field 22 of /proc/PID/stat (start time in clock ticks since boot), or null when the process does not exist.</summary>
    internal static long? ProcessStartTime(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name (field 2) may hold spaces and parentheses: count fields after its closing parenthesis.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[19], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}
