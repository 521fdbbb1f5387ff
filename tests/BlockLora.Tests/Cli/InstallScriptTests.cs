using System.Diagnostics;

namespace BlockLora.Tests.Cli;

/// <summary>data-scripts/install-debian-packages.sh: each purpose wants its packages, an unknown one is one line and exit 2.</summary>
public class InstallScriptTests
{
    private static (int Exit, string Output, string Error) Run(params string[] arguments)
    {
        string root = BlockLora.Workbook.Notebooks.WorkbookProfile.FindRepoRoot(AppContext.BaseDirectory);
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = root };
        start.ArgumentList.Add(Path.Combine(root, "data-scripts", "install-debian-packages.sh"));
        foreach (var a in arguments) start.ArgumentList.Add(a);
        start.Environment["BLORA_INSTALL_DRY_RUN"] = "1";
        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd(), error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, error);
    }

    private static string[] Wanted(string output) => output.Split("wanted ")[1].Split(';')[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void Demo_wants_the_demos_packages_and_test_adds_the_twin_and_slurm()
    {
        var demo = Run("demo");
        Assert.Equal(0, demo.Exit);
        Assert.Equal(["chromium", "dataset-fashion-mnist", "python3-sklearn"], Wanted(demo.Output).Order());
        var test = Run("test");
        Assert.Equal(0, test.Exit);
        Assert.Equal(Wanted(demo.Output).Concat(["python3-torch", "python3-numpy", "libopenblas0-pthread", "slurmctld", "slurmd", "slurm-client", "munge"]).Order(), Wanted(test.Output).Order());
        Assert.Equal(Wanted(test.Output), Wanted(Run("all").Output));
        Assert.Equal(Wanted(test.Output), Wanted(Run().Output));
    }

    [Fact]
    public void An_unknown_purpose_is_one_line_and_exit_2()
    {
        var bad = Run("everything");
        Assert.Equal(2, bad.Exit);
        Assert.Equal("install-debian-packages: unknown purpose 'everything' (use demo, test or all)", bad.Error.Trim());
    }

    [Fact]
    public void The_readme_installs_the_demos_packages_for_the_demo_and_all_for_the_tests()
    {
        string readme = File.ReadAllText(Path.Combine(BlockLora.Workbook.Notebooks.WorkbookProfile.FindRepoRoot(AppContext.BaseDirectory), "README.md"));
        Assert.Contains("bash data-scripts/install-debian-packages.sh demo && dotnet run --project src/BlockLora.Cli -c Release -- demo", readme);
        Assert.Contains("bash data-scripts/install-debian-packages.sh test && dotnet test BlockLora.Research.sln", readme);
    }
}
