using System.Diagnostics;

namespace BlockLora.Experiments;

/// <summary>The commit the code ran from, for results rows; empty outside a git checkout.</summary>
public static class GitInfo
{
    private static readonly Lazy<string> commit = new(Read);

    public static string Commit => commit.Value;

    private static string Read()
    {
        try
        {
            var info = new ProcessStartInfo("git", "rev-parse --short=12 HEAD") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var p = Process.Start(info);
            if (p is null) return "";
            string output = p.StandardOutput.ReadToEnd().Trim();
            p.WaitForExit(5000);
            return p.ExitCode == 0 ? output : "";
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return "";
        }
    }
}
