using System.Diagnostics;

namespace BlockLora.Tests.Cli;

/// <summary>Runs the built <c>blora</c> CLI as a separate process, as a user would.</summary>
public static class BloraProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static Result Run(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "blora.dll"));
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment.Remove("BLORA_DEBUG");
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3))) { process.Kill(true); throw new TimeoutException("blora did not finish"); }
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }
}
