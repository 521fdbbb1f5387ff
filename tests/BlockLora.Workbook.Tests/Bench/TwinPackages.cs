using System.Diagnostics;

namespace BlockLora.Workbook.Tests.Bench;

/// <summary>
/// The twin tests need Debian's PyTorch for bench/pytorch_twin.py (it imports only torch; torch imports numpy and loads
/// libblas.so.3, which libopenblas0-pthread points at OpenBLAS). They fail, not skip, when it is missing, so a machine
/// without it cannot report green; data-scripts/install-debian-packages.sh installs it and .ci/run calls that.
/// </summary>
public static class TwinPackages
{
    public const string Packages = "python3-torch python3-numpy libopenblas0-pthread";

    /// <summary>The first interpreter, in the bench's own order, that imports torch; otherwise fails naming what to install.</summary>
    public static string RequirePythonWithTorch()
    {
        var errors = new List<string>();
        foreach (var candidate in new[] { "python3", "/usr/bin/python3" })
        {
            try
            {
                var start = new ProcessStartInfo(candidate) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                start.ArgumentList.Add("-c");
                start.ArgumentList.Add("import torch");
                using var p = Process.Start(start)!;
                p.StandardOutput.ReadToEnd();
                string stderr = p.StandardError.ReadToEnd();
                p.WaitForExit();
                if (p.ExitCode == 0) return candidate;
                // The ImportError's last line says which module is missing (torch itself, or numpy under it).
                errors.Add($"{candidate}: {stderr.Trim().Split('\n')[^1]}");
            }
            catch (System.ComponentModel.Win32Exception)
            {
                errors.Add($"{candidate}: not installed");
            }
        }
        Assert.Fail($"the PyTorch twin tests need Debian's python3-torch, which no interpreter imports ({string.Join("; ", errors)}); "
            + $"install it with: bash data-scripts/install-debian-packages.sh (or: sudo apt-get install -y {Packages})");
        throw new UnreachableException();
    }
}
