using System.Diagnostics;

namespace BlockLora.Tests.Cli;

/// <summary>Runs the built <c>blora</c> CLI as a separate process, as a user would.</summary>
public static class BloraProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static Result Run(params string[] args) => RunWith(new Dictionary<string, string?>(), args);

    /// <summary>Runs blora with these environment variables changed (null removes one).</summary>
    public static Result RunWith(IReadOnlyDictionary<string, string?> environment, params string[] args) => Finish(Start(environment, args));

    /// <summary>Runs blora in <paramref name="workingDirectory"/> (for files it writes into the current folder).</summary>
    public static Result RunIn(string workingDirectory, params string[] args) => Finish(Start(new Dictionary<string, string?>(), args, workingDirectory));

    private static Result Finish(Process started)
    {
        using var process = started;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3))) { process.Kill(true); throw new TimeoutException("blora did not finish"); }
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Starts blora with redirected output and returns the running process (for tests that kill it).</summary>
    public static Process Start(IReadOnlyDictionary<string, string?> environment, params string[] args) => Start(environment, args, workingDirectory: null);

    private static Process Start(IReadOnlyDictionary<string, string?> environment, string[] args, string? workingDirectory)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (workingDirectory is not null) info.WorkingDirectory = workingDirectory;
        info.ArgumentList.Add(Dll);
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment.Remove("BLORA_DEBUG");
        foreach (var (name, value) in environment)
            if (value is null) info.Environment.Remove(name); else info.Environment[name] = value;
        return Process.Start(info)!;
    }

    /// <summary>The built CLI beside the test assembly.</summary>
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "blora.dll");
}
