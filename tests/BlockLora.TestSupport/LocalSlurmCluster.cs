using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace BlockLora.Tests.Experiments;

/// <summary>
/// A real one-node Slurm cluster (slurmctld + slurmd of the Debian packages slurmctld, slurmd, slurm-client and munge, see
/// data-scripts/install-debian-packages.sh) in a temp folder, for tests that submit job arrays. Its own ports, conf, state
/// and logs, so two clusters or a leftover never clash; <see cref="Dispose"/> stops every daemon it started. Needs root:
/// the daemons run as root and munged is started as user munge. Any failure to start throws with the step that failed
/// and the daemons' last log lines: a test that uses it fails, it never skips.
/// </summary>
public sealed class LocalSlurmCluster : IDisposable
{
    /// <summary>
    /// Set to 1 to skip the Slurm tests on a machine that has root but should not start daemons. Without root they are
    /// skipped anyway (the daemons need it). Either way each test shows as skipped with the reason (<see cref="SlurmFactAttribute"/>),
    /// never as passed; CI runs as root and never sets it, so there the tests always run.
    /// </summary>
    public const string OptOutVariable = "BLORA_SKIP_SLURM_TESTS";

    /// <summary>Set to 1 to keep <see cref="Folder"/> (conf, logs, job output) after <see cref="Dispose"/>, for a post-mortem.</summary>
    public const string KeepVariable = "BLORA_KEEP_SLURM";

    private const string MungeSocketDir = "/run/munge";
    private const string MungeKey = "/etc/munge/munge.key";
    private const string MungeLog = "/var/log/munge/munged.log";
    private const int TailLines = 30;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);

    private Daemon? munged, slurmctld, slurmd;
    private bool disposed;

    public string Folder { get; }
    public string ConfPath { get; }
    public string NodeName { get; }
    public int Cpus { get; }

    /// <summary>What a child process needs to talk to this cluster (SLURM_CONF); <see cref="Run"/> sets it itself.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; }

    private LocalSlurmCluster(string folder, string nodeName, int cpus)
    {
        Folder = folder;
        ConfPath = Path.Combine(folder, "slurm.conf");
        NodeName = nodeName;
        Cpus = cpus;
        Environment = new Dictionary<string, string> { ["SLURM_CONF"] = ConfPath };
    }

    /// <summary>Why the Slurm tests cannot run here (opted out, or not root), as the test runner shows it; null when they run.</summary>
    public static string? SkipReason()
    {
        string? value = System.Environment.GetEnvironmentVariable(OptOutVariable);
        if (value is { Length: > 0 } and not "0") return $"{OptOutVariable}={value}: the Slurm cluster tests did not run";
        if (OperatingSystem.IsLinux() && EffectiveUserId() != 0)
            return "not root: the one-node Slurm cluster starts slurmctld, slurmd and munged as root (CI runs as root); these tests did not run";
        return null;
    }

    /// <summary>Starts munged (unless one already answers), slurmctld and slurmd, and returns once the node is idle.</summary>
    public static LocalSlurmCluster Start(TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.StartNew();
        var limit = timeout ?? TimeSpan.FromSeconds(60);
        string folder = Path.Combine(Path.GetTempPath(), "blora-slurm", Guid.NewGuid().ToString("N"));
        // The short host name is what slurmd matches NodeName against (as `hostname -s` prints it).
        string node = Dns.GetHostName().Split('.')[0];
        // ProcessorCount honours the affinity mask and a cgroup CPU quota; a count below the hardware's is fine for
        // slurmd, one above would drain the node.
        var cluster = new LocalSlurmCluster(folder, node, System.Environment.ProcessorCount);
        string step = "checking prerequisites";
        try
        {
            if (EffectiveUserId() != 0)
                throw new StepFailedException($"not root (slurmd runs jobs as root and munged is started as user munge); set {OptOutVariable}=1 to opt out");
            foreach (string program in new[] { "slurmctld", "slurmd", "sbatch", "sinfo", "squeue", "munged", "munge", "unmunge" })
                _ = Find(program);
            Directory.CreateDirectory(Path.Combine(folder, "state"));
            Directory.CreateDirectory(Path.Combine(folder, "spool"));

            step = "starting munged";
            cluster.StartMunge(deadline, limit);

            step = "writing slurm.conf";
            cluster.WriteConf();

            step = "starting slurmctld";
            cluster.slurmctld = cluster.StartDaemon("slurmctld", "slurmctld", "-D", "-f", cluster.ConfPath);

            step = "starting slurmd";
            cluster.slurmd = cluster.StartDaemon("slurmd", "slurmd", "-D", "-f", cluster.ConfPath, "-N", node);

            step = "waiting for the node to be idle";
            cluster.WaitForIdleNode(deadline, limit);
            return cluster;
        }
        catch (Exception e)
        {
            string message = cluster.Describe($"Local Slurm cluster: {step} failed: {e.Message}");
            cluster.Dispose();
            throw new InvalidOperationException(message);
        }
    }

    /// <summary>
    /// Runs a Slurm client (sbatch, squeue, scancel, sinfo, scontrol) against this cluster; Output is its stdout followed by
    /// its stderr. Throws, with the daemons' logs, if it does not finish within a minute or a daemon exits meanwhile.
    /// </summary>
    public (int ExitCode, string Output) Run(string command, params string[] args)
    {
        var result = Exec(Find(command), args, stdin: null, ClientTimeout, stopIfDaemonExits: true);
        if (result is { } done) return done;
        string call = $"{command} {string.Join(' ', args)}";
        if (FirstExited() is { } dead) throw new InvalidOperationException(Describe($"{dead} while {call} ran"));
        throw new TimeoutException(Describe($"{call} did not finish within {ClientTimeout.TotalSeconds:F0} s"));
    }

    /// <summary>Waits until squeue lists no job (pending, running or completing), e.g. until a job array has finished.</summary>
    public void WaitUntilIdle(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var (exit, output) = Run("squeue", "-h", "-o", "%i %T %r");
            string queue = output.Trim();
            if (exit == 0 && queue.Length == 0) return;
            if (FirstExited() is { } dead) throw new InvalidOperationException(Describe($"{dead} while jobs were queued. squeue (id state reason):\n{queue}"));
            if (clock.Elapsed > timeout)
                throw new TimeoutException(Describe($"the queue was not empty after {timeout.TotalSeconds:F0} s. squeue (id state reason):\n{queue}"));
            Thread.Sleep(PollInterval);
        }
    }

    /// <summary>Cancels leftover jobs, stops slurmd, slurmctld and a munged this cluster started, and deletes <see cref="Folder"/>.</summary>
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        // slurmd leaves running job steps (slurmstepd) behind when it stops, so a test that failed mid-array would leak them.
        if (slurmctld is { HasExited: false } && slurmd is { HasExited: false })
        {
            try
            {
                var (_, queue) = Run("squeue", "-h", "-o", "%i");
                if (queue.Trim().Length > 0)
                {
                    Run("scancel", "--quiet", "--user", "root");
                    WaitUntilIdle(TimeSpan.FromSeconds(15));
                }
            }
            catch (Exception e) when (e is TimeoutException or InvalidOperationException)
            {
                // Best effort: stopping the daemons below still matters more than the leftover jobs.
            }
        }
        slurmd?.Stop(StopGrace);
        slurmctld?.Stop(StopGrace);
        munged?.Stop(StopGrace);
        if (System.Environment.GetEnvironmentVariable(KeepVariable) == "1")
            Console.WriteLine($"{KeepVariable}=1: kept the Slurm cluster's folder {Folder}");
        else if (Directory.Exists(Folder))
            Directory.Delete(Folder, recursive: true);
    }

    private void StartMunge(Stopwatch deadline, TimeSpan limit)
    {
        if (OperatingSystem.IsWindows()) throw new StepFailedException("Slurm and munge run on Linux only");
        if (MungeAnswers()) return; // another cluster's, or the system's: not ours to stop
        if (!File.Exists(MungeKey))
        {
            Check(Exec(Find("mungekey"), ["--create", "--keyfile", MungeKey], null, ClientTimeout), "mungekey --create");
            Check(Exec(Find("chown"), ["munge:munge", MungeKey], null, ClientTimeout), "chown munge:munge " + MungeKey);
            File.SetUnixFileMode(MungeKey, UnixFileMode.UserRead);
        }
        // /run is a tmpfs: after a reboot (or in a fresh container) munged's socket directory is gone, and munged,
        // running as munge, cannot create it under root's /run.
        Directory.CreateDirectory(MungeSocketDir);
        Check(Exec(Find("chown"), ["munge:munge", MungeSocketDir], null, ClientTimeout), "chown munge:munge " + MungeSocketDir);
        File.SetUnixFileMode(MungeSocketDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
            UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        // setpriv execs munged in place, so the child we hold is munged itself; in the foreground (-F) we reap it and see
        // at once if it dies (runuser would stay in between, and a forking daemon is reparented away from us).
        munged = StartDaemon("munged", "setpriv", "--reuid=munge", "--regid=munge", "--init-groups", Find("munged"), "-F");
        while (!MungeAnswers())
        {
            if (munged.HasExited)
            {
                // Another test process may have started its own munged at the same moment; ours lost the socket, theirs serves.
                if (MungeAnswers()) { munged = null; return; }
                throw new StepFailedException($"munged exited with code {munged.ExitCode}");
            }
            if (deadline.Elapsed > limit) throw new StepFailedException($"munge -n | unmunge did not succeed within {limit.TotalSeconds:F0} s");
            Thread.Sleep(PollInterval);
        }
    }

    private bool MungeAnswers()
    {
        var credential = Exec(Find("munge"), ["-n"], null, TimeSpan.FromSeconds(10));
        if (credential is not (0, var token)) return false;
        return Exec(Find("unmunge"), [], token, TimeSpan.FromSeconds(10)) is (0, _);
    }

    private void WriteConf()
    {
        int realMemory = RealMemoryMiB();
        // Ports the OS hands out as free right now, so a second cluster or a leftover daemon never collides with this one.
        var (ctldPort, slurmdPort) = FreePorts();
        string Under(string name) => Path.Combine(Folder, name);
        var conf = new StringBuilder();
        void Line(string text) => conf.Append(text).Append('\n');
        Line("# Written by LocalSlurmCluster (tests/BlockLora.TestSupport) for one test run.");
        Line("ClusterName=blora-test");
        // 127.0.0.1 rather than the host name: inside a container the host name need not resolve.
        Line($"SlurmctldHost={NodeName}(127.0.0.1)");
        Line($"SlurmctldPort={ctldPort}");
        Line($"SlurmdPort={slurmdPort}");
        Line("SlurmUser=root");
        Line("SlurmdUser=root");
        Line("AuthType=auth/munge");
        Line($"StateSaveLocation={Under("state")}");
        Line($"SlurmdSpoolDir={Under("spool")}");
        Line($"SlurmctldPidFile={Under("slurmctld.pid")}");
        Line($"SlurmdPidFile={Under("slurmd.pid")}");
        Line($"SlurmctldLogFile={Under("slurmctld.log")}");
        Line($"SlurmdLogFile={Under("slurmd.log")}");
        // No cgroups: containers and CI machines often have no writable cgroup tree.
        Line("ProctrackType=proctrack/linuxproc");
        Line("TaskPlugin=task/none");
        Line("SelectType=select/cons_tres");
        Line("SelectTypeParameters=CR_Core_Memory");
        Line("AccountingStorageType=accounting_storage/none");
        Line("JobAcctGatherType=jobacct_gather/none");
        Line("MpiDefault=none");
        // Without it slurmctld logs an error about the missing mail program at every start.
        Line("MailProg=/bin/true");
        // A node that was down (e.g. slurmd registered late) comes back by itself.
        Line("ReturnToService=2");
        // Jobs without --mem would otherwise each claim the whole node and run one at a time.
        Line($"DefMemPerCPU={Math.Min(512, realMemory / Cpus)}");
        // Batch jobs are otherwise started at most every 3 s (batch_sched_delay), which a test's short array tasks wait out.
        Line("SchedulerParameters=batch_sched_delay=0");
        // Dispose cancels leftover jobs and waits for them; the default 30 s between SIGTERM and SIGKILL is too long.
        Line("KillWait=5");
        Line($"NodeName={NodeName} NodeAddr=127.0.0.1 CPUs={Cpus} RealMemory={realMemory} State=UNKNOWN");
        Line("PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP");
        File.WriteAllText(ConfPath, conf.ToString());
    }

    // A RealMemory above what slurmd measures drains the node ("Low RealMemory"); a margin keeps it below.
    private static int RealMemoryMiB()
    {
        foreach (string line in File.ReadLines("/proc/meminfo"))
        {
            if (!line.StartsWith("MemTotal:", StringComparison.Ordinal)) continue;
            long kib = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
            long mib = kib / 1024;
            return (int)Math.Max(256, mib - Math.Max(256, mib / 20));
        }
        throw new StepFailedException("no MemTotal in /proc/meminfo");
    }

    private static (int, int) FreePorts()
    {
        // Both listeners open at once, so the two ports differ.
        var first = new TcpListener(IPAddress.Any, 0);
        var second = new TcpListener(IPAddress.Any, 0);
        first.Start();
        second.Start();
        try { return (((IPEndPoint)first.LocalEndpoint).Port, ((IPEndPoint)second.LocalEndpoint).Port); }
        finally
        {
            first.Stop();
            second.Stop();
        }
    }

    private Daemon StartDaemon(string name, string program, params string[] args)
    {
        var process = Process.Start(StartInfo(Find(program), args)) ?? throw new StepFailedException($"{program} did not start");
        process.StandardInput.Close();
        return new Daemon(name, process);
    }

    private void WaitForIdleNode(Stopwatch deadline, TimeSpan limit)
    {
        while (true)
        {
            var result = Exec(Find("sinfo"), ["-h", "-n", NodeName, "-o", "%t"], null, TimeSpan.FromSeconds(10), stopIfDaemonExits: true);
            string state = result is { } r ? r.Output.Trim() : "(sinfo did not answer)";
            if (result is (0, _) && state == "idle") return;
            if (FirstExited() is { } dead) throw new StepFailedException($"{dead}; sinfo last said: {state}");
            if (deadline.Elapsed > limit)
                throw new StepFailedException($"the node was not idle within {limit.TotalSeconds:F0} s; sinfo last said: {state}");
            Thread.Sleep(PollInterval);
        }
    }

    private string? FirstExited()
    {
        foreach (var daemon in new[] { slurmctld, slurmd, munged })
            if (daemon is { HasExited: true }) return $"{daemon.Name} exited with code {daemon.ExitCode}";
        return null;
    }

    /// <summary>The message followed by the last lines of each daemon's log (its captured output when it wrote no log file).</summary>
    private string Describe(string message)
    {
        var text = new StringBuilder(message).Append('\n').Append($"Cluster folder: {Folder}\n");
        AppendTail(text, "slurmctld", Path.Combine(Folder, "slurmctld.log"), slurmctld);
        AppendTail(text, "slurmd", Path.Combine(Folder, "slurmd.log"), slurmd);
        // In the foreground munged logs to stderr only, so the log file is the one of a munged that was already running.
        AppendTail(text, munged is null ? "munged (already running)" : "munged", munged is null ? MungeLog : null, munged);
        return text.ToString().TrimEnd();
    }

    private static void AppendTail(StringBuilder text, string name, string? logFile, Daemon? daemon)
    {
        var lines = logFile is null ? [] : ReadTail(logFile);
        // A fatal error in the conf is printed before the log file is opened: then only the captured output has it.
        string source = logFile ?? "";
        if (lines.Count == 0 && daemon is not null)
        {
            lines = daemon.OutputTail();
            source = "its output";
        }
        if (lines.Count == 0 && daemon is null)
        {
            text.Append($"--- {name}: not started ---\n");
            return;
        }
        string state = daemon is null ? "" : daemon.HasExited ? $", exited with code {daemon.ExitCode}" : ", running";
        text.Append($"--- {name}{state}: last {lines.Count} lines of {source} ---\n");
        foreach (string line in lines) text.Append(line).Append('\n');
    }

    private static List<string> ReadTail(string path)
    {
        try
        {
            // The daemon is still writing the file; share it rather than fail to open it.
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            var tail = new Queue<string>();
            while (reader.ReadLine() is { } line)
            {
                tail.Enqueue(line);
                if (tail.Count > TailLines) tail.Dequeue();
            }
            return [.. tail];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static void Check((int ExitCode, string Output)? result, string what)
    {
        if (result is not (0, _)) throw new StepFailedException($"{what} failed: {result?.Output.Trim() ?? "timed out"}");
    }

    /// <summary>
    /// Runs a program to completion; null when it ran past the timeout or, with <paramref name="stopIfDaemonExits"/>, one of
    /// this cluster's daemons exited meanwhile (it is then killed).
    /// </summary>
    private (int ExitCode, string Output)? Exec(string file, IEnumerable<string> args, string? stdin, TimeSpan timeout,
        bool stopIfDaemonExits = false)
    {
        using var process = Process.Start(StartInfo(file, args)) ?? throw new StepFailedException($"{file} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null) process.StandardInput.Write(stdin);
        process.StandardInput.Close();
        var clock = Stopwatch.StartNew();
        // The clients retry a controller that does not answer for about 9 s; a dead one will not come back.
        while (!process.WaitForExit(PollInterval))
        {
            if (clock.Elapsed < timeout && !(stopIfDaemonExits && FirstExited() is not null)) continue;
            process.Kill(entireProcessTree: true);
            process.WaitForExit(TimeSpan.FromSeconds(5));
            return null;
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    private ProcessStartInfo StartInfo(string file, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (string arg in args) info.ArgumentList.Add(arg);
        // Run inside a real cluster's job, the inherited SLURM_* and SBATCH_* settings (job id, partition, account)
        // would be read by these clients and daemons as if meant for this cluster.
        var inherited = info.Environment.Keys.Where(k => k.StartsWith("SLURM_", StringComparison.Ordinal) ||
            k.StartsWith("SBATCH_", StringComparison.Ordinal) || k.StartsWith("SQUEUE_", StringComparison.Ordinal) ||
            k.StartsWith("SINFO_", StringComparison.Ordinal) || k.StartsWith("SCANCEL_", StringComparison.Ordinal)).ToList();
        foreach (string key in inherited) info.Environment.Remove(key);
        foreach (var (key, value) in Environment) info.Environment[key] = value;
        return info;
    }

    private static string Find(string program)
    {
        // Root's PATH has the sbin folders, but a test runner's environment may not.
        var folders = (System.Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"]);
        foreach (string folder in folders)
        {
            string path = Path.Combine(folder, program);
            if (File.Exists(path)) return path;
        }
        throw new StepFailedException($"{program} not found (bash data-scripts/install-debian-packages.sh installs slurmctld, slurmd, slurm-client and munge)");
    }

    // DllImport rather than LibraryImport: the source-generated form needs the project to allow unsafe code.
    [DllImport("libc", EntryPoint = "kill")]
    private static extern int SendSignal(int pid, int signal);

    [DllImport("libc", EntryPoint = "geteuid")]
    private static extern uint EffectiveUserId();

    private sealed class StepFailedException(string message) : Exception(message);

    /// <summary>
    /// A daemon kept in the foreground (-D, -F) as our child, its stdout and stderr drained into a short tail. It is
    /// stopped through this handle, which names the same process as its pid file in <see cref="Folder"/>: as our child it
    /// is reaped when it exits (an init that reaps slowly would otherwise leave a zombie that still looks alive to a pid
    /// check), an early exit shows at once, and the fatal lines it prints before opening its log file are kept.
    /// </summary>
    private sealed class Daemon
    {
        private const int SigTerm = 15;
        private readonly Process process;
        private readonly Queue<string> output = new();

        public Daemon(string name, Process process)
        {
            Name = name;
            this.process = process;
            process.OutputDataReceived += Collect;
            process.ErrorDataReceived += Collect;
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public string Name { get; }
        public bool HasExited => process.HasExited;
        public int ExitCode => process.ExitCode;

        public List<string> OutputTail()
        {
            lock (output) return [.. output];
        }

        /// <summary>SIGTERM, then SIGKILL if it is still there after the grace period; returns once it has exited.</summary>
        public void Stop(TimeSpan grace)
        {
            if (process.HasExited) return;
            _ = SendSignal(process.Id, SigTerm);
            if (!process.WaitForExit(grace))
            {
                process.Kill();
                process.WaitForExit(grace);
            }
        }

        private void Collect(object sender, DataReceivedEventArgs e)
        {
            if (e.Data is null) return;
            lock (output)
            {
                output.Enqueue(e.Data);
                if (output.Count > TailLines) output.Dequeue();
            }
        }
    }
}
