using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using BlockLora.Torch;

namespace BlockLora.Workbook.Bench;

/// <summary>
/// The PyTorch twin (<c>bench/pytorch_twin.py --serve</c>) as a child process that runs one case per
/// request, so the benchmark can alternate ours and theirs within one run and both see the same machine
/// load. One JSON line per request on its stdin, one per answer on its stdout. It is started with
/// <c>OMP_WAIT_POLICY</c> (PASSIVE by default, as this process) and the OpenMP/OpenBLAS thread counts set to
/// the benchmark's, so its idle threads neither spin while the C# side runs nor fight OpenBLAS's own pool.
/// </summary>
public sealed class PyTorchTwin : IDisposable
{
    private readonly Process process;
    private readonly Queue<string> stderrTail = new();

    private PyTorchTwin(Process process, string interpreter)
    {
        this.process = process;
        Interpreter = interpreter;
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (stderrTail)
            {
                stderrTail.Enqueue(e.Data);
                while (stderrTail.Count > 20) stderrTail.Dequeue();
            }
        };
        process.BeginErrorReadLine();
    }

    public string Interpreter { get; }

    /// <summary>torch version, BLAS, threads, SDPA and wait policy as the twin reports them after setup.</summary>
    public string Description { get; private set; } = "";

    /// <summary>Starts the twin, or returns null with a one-line reason (no script, no python3 with torch).</summary>
    public static PyTorchTwin? TryStart(BenchConfig config, out string message)
    {
        if (!File.Exists(config.TwinScript))
        {
            message = $"PyTorch twin skipped: {config.TwinScript} not found (run from the repository root or pass --twin-script); no ratio column";
            return null;
        }
        string[] candidates = config.Python is { } python ? [python] : ["python3", "/usr/bin/python3"];
        string? interpreter = candidates.FirstOrDefault(ImportsTorch);
        if (interpreter is null)
        {
            message = $"PyTorch twin skipped: no python with torch among {string.Join(", ", candidates)} (Debian: apt-get install python3-torch libopenblas0-pthread); no ratio column";
            return null;
        }
        var start = new ProcessStartInfo(interpreter)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-u");
        start.ArgumentList.Add(config.TwinScript);
        start.ArgumentList.Add("--serve");
        string threads = config.Threads.ToString(CultureInfo.InvariantCulture);
        // The user's own setting, if any, applies to both sides, as OpenMpWaitPolicy does for ours.
        start.Environment["OMP_WAIT_POLICY"] = Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") is { Length: > 0 } own ? own : config.OmpWaitPolicy;
        start.Environment["OMP_NUM_THREADS"] = threads;
        start.Environment["OPENBLAS_NUM_THREADS"] = threads;
        start.Environment["MKL_NUM_THREADS"] = threads;
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {interpreter}");
        message = $"PyTorch twin: {interpreter} {config.TwinScript} --serve";
        return new PyTorchTwin(process, interpreter);
    }

    private static bool ImportsTorch(string interpreter)
    {
        try
        {
            var start = new ProcessStartInfo(interpreter) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add("import torch");
            using var probe = Process.Start(start);
            if (probe is null) return false;
            probe.StandardOutput.ReadToEnd();
            probe.StandardError.ReadToEnd();
            return probe.WaitForExit(TimeSpan.FromMinutes(2)) && probe.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // no such interpreter
        }
    }

    /// <summary>Builds the twin's model and inputs; throws with the twin's own message if it fails.</summary>
    public void Setup(IReadOnlyDictionary<string, object> setup)
    {
        var request = new Dictionary<string, object>(setup) { ["op"] = "setup" };
        using var answer = Ask(request);
        var root = answer.RootElement;
        Description = string.Create(CultureInfo.InvariantCulture,
            $"torch {Text(root, "torch")}, BLAS {Text(root, "blas_library")}, {Text(root, "threads")} threads, SDPA {(root.TryGetProperty("sdpa", out var s) && s.GetBoolean() ? "yes" : "no (explicit softmax attention)")}, OMP_WAIT_POLICY={Text(root, "omp_wait_policy")}");
    }

    /// <summary>Makes the twin's glibc return freed memory at once, as <see cref="PeakMemory.ReturnFreedMemoryAtOnce"/> does ours.</summary>
    public void ReturnFreedMemoryAtOnce()
    {
        using var _ = Ask(new Dictionary<string, object> { ["op"] = "return_freed_memory" });
    }

    /// <summary>One sample of a case, or null when the twin cannot run it (e.g. SDPA on torch &lt; 2.0).</summary>
    public BenchSample? Measure(string id, int inner, bool trackMemory)
    {
        using var answer = Ask(new Dictionary<string, object> { ["op"] = "run", ["id"] = id, ["inner"] = inner, ["memory"] = trackMemory });
        var root = answer.RootElement;
        if (root.TryGetProperty("unsupported", out _)) return null;
        return new BenchSample(root.GetProperty("seconds").GetDouble(), root.GetProperty("peak_delta_bytes").GetInt64());
    }

    private JsonDocument Ask(object request)
    {
        process.StandardInput.WriteLine(JsonSerializer.Serialize(request));
        process.StandardInput.Flush();
        string? line = process.StandardOutput.ReadLine();
        if (line is null)
            throw new InvalidOperationException($"the PyTorch twin exited (code {(process.WaitForExit(5000) ? process.ExitCode : -1)}): {StderrTail()}");
        var document = JsonDocument.Parse(line);
        if (document.RootElement.TryGetProperty("error", out var error))
        {
            string text = error.GetString() ?? "unknown error";
            document.Dispose();
            throw new InvalidOperationException($"the PyTorch twin failed: {text}");
        }
        return document;
    }

    private string StderrTail()
    {
        lock (stderrTail) return string.Join(" | ", stderrTail);
    }

    private static string Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) ? value.ToString() : "?";

    public void Dispose()
    {
        try
        {
            if (!process.HasExited)
            {
                process.StandardInput.WriteLine("{\"op\": \"quit\"}");
                process.StandardInput.Flush();
                if (!process.WaitForExit(10_000)) process.Kill();
            }
        }
        catch (IOException)
        {
            // The twin already went away; nothing left to stop.
        }
        process.Dispose();
    }
}
