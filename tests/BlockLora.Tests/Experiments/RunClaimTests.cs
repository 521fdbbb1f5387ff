using System.Diagnostics;
using System.Text.Json;
using BlockLora.Experiments;

namespace BlockLora.Tests.Experiments;

/// <summary>Claims are exclusive while their process lives and stale once it is gone.</summary>
public class RunClaimTests
{
    [Fact]
    public void A_live_claim_excludes_others_and_a_dead_processes_claim_is_taken_over()
    {
        string folder = Fixtures.TempDir();
        using (var held = RunClaim.TryAcquire(folder, "shard 0/2"))
        {
            Assert.NotNull(held);
            Assert.True(RunClaim.Read(folder)!.IsLive(DateTimeOffset.UtcNow));
            Assert.Null(RunClaim.TryAcquire(folder, "shard 1/2")); // this process is alive
        }
        Assert.False(File.Exists(RunClaim.PathIn(folder))); // released

        // A claim written by a process that has exited (a real pid, now gone).
        using var gone = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        long start = RunClaim.ProcessStartTime(gone.Id) ?? 0;
        gone.WaitForExit();
        var stale = new RunClaim { Host = Environment.MachineName, Pid = gone.Id, ProcessStart = start, Owner = "shard 1/3", Started = DateTimeOffset.UtcNow, Heartbeat = DateTimeOffset.UtcNow };
        File.WriteAllText(RunClaim.PathIn(folder), JsonSerializer.Serialize(stale));
        Assert.False(RunClaim.Read(folder)!.IsLive(DateTimeOffset.UtcNow));
        using var taken = RunClaim.TryAcquire(folder, "shard 1/3 (rerun)");
        Assert.NotNull(taken);
        Assert.Equal(Environment.ProcessId, RunClaim.Read(folder)!.Pid);
    }

    [Fact]
    public void A_claim_from_another_host_is_live_until_its_heartbeat_is_old_and_a_failed_one_never_is()
    {
        var now = DateTimeOffset.UtcNow;
        var remote = new RunClaim { Host = "node-elsewhere", Pid = 1, Heartbeat = now - TimeSpan.FromMinutes(1) };
        Assert.True(remote.IsLive(now));
        Assert.False((remote with { Heartbeat = now - RunClaim.StaleAfter - TimeSpan.FromSeconds(1) }).IsLive(now));
        Assert.False((remote with { State = RunClaim.Failed }).IsLive(now));
        // A reused pid: this process's pid with another start time is not this claim's process.
        var reused = new RunClaim { Host = Environment.MachineName, Pid = Environment.ProcessId, ProcessStart = 1, Heartbeat = now };
        Assert.False(reused.IsLive(now));
    }

    [Fact]
    public void A_failed_run_keeps_its_claim_with_the_error()
    {
        string folder = Fixtures.TempDir();
        using (var held = RunClaim.TryAcquire(folder, "shard 0/1")!)
            held.MarkFailed("data: images/x.jpg unreadable");
        var claim = RunClaim.Read(folder)!;
        Assert.Equal(RunClaim.Failed, claim.State);
        Assert.Equal("data: images/x.jpg unreadable", claim.Error);
        Assert.NotNull(RunClaim.TryAcquire(folder, "retry"));
    }
}
