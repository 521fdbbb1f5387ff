using System.Diagnostics;
using BlockLora.Experiments;
using BlockLora.Torch;
using BlockLora.Training;
using BlockLora.Workbook.Notebooks;

namespace BlockLora.Tests.Torch;

/// <summary>
/// BLORA_DEVICE selects the build's libtorch (Directory.Build.props, build/Device.targets) and the build's device is the
/// default of <c>--device</c>. What MSBuild makes of the variable is asked of MSBuild itself; nothing is restored.
/// </summary>
public class DeviceBuildSwitchTests
{
    private static string RepoRoot => WorkbookProfile.FindRepoRoot(AppContext.BaseDirectory);
    private static string CoreProject => Path.Combine(RepoRoot, "src", "BlockLora", "BlockLora.csproj");

    [Fact]
    public void The_default_device_is_the_one_this_build_is_for_cpu_here()
    {
        // This suite is built without BLORA_DEVICE (CI, and every CPU machine): the CPU libtorch, so cpu.
        Assert.Equal("cpu", DeviceSelection.Build);
        Assert.Equal(DeviceSelection.Build, DeviceSelection.Default);
        Assert.Equal(DeviceSelection.Default, RunSettings.Get("device").Default);
        Assert.Equal(DeviceSelection.Default, new TrainConfig().Device);
    }

    [Theory]
    [InlineData(null, null, "cpu")]
    [InlineData("cuda", null, "cuda")]
    [InlineData("cuda:1", null, "cuda")]
    [InlineData("cpu", null, "cpu")]
    [InlineData("cuda", "cpu", "cpu")] // -p:BlockLoraDevice wins over the environment
    public void BLORA_DEVICE_sets_the_build_property(string? variable, string? property, string expected)
    {
        var result = MsBuild(variable, ["-getProperty:BlockLoraDevice", .. property is null ? Array.Empty<string>() : [$"-p:BlockLoraDevice={property}"]]);
        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Equal(expected, result.Output.Trim());
    }

    [Fact]
    public void A_cuda_build_without_the_cuda_package_says_in_one_line_what_to_install()
    {
        string emptyPackages = Fixtures.TempDir();
        var result = MsBuild("cuda", ["-t:BlockLoraCheckDevice", $"-p:NuGetPackageRoot={emptyPackages}/"]);
        var line = Assert.Single(result.Output.Split('\n'), l => l.Contains("warning BLORA002", StringComparison.Ordinal));
        Assert.Contains("BLORA_DEVICE=cuda needs the NuGet package libtorch-cuda-12.8-linux-x64 2.10.0", line);
        Assert.Contains("unset BLORA_DEVICE to build for the CPU", line);
    }

    [Fact]
    public void An_unknown_device_stops_the_build_with_one_line()
    {
        var result = MsBuild("rocm", ["-t:BlockLoraCheckDevice"]);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("error BLORA001: BLORA_DEVICE (BlockLoraDevice) is 'rocm': use cpu or cuda", result.Output);
    }

    private static (int ExitCode, string Output) MsBuild(string? bloraDevice, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "msbuild", CoreProject, "-nologo" }.Concat(args)) info.ArgumentList.Add(a);
        // The test host's own MSBuild settings must not leak into the child (it would resolve another SDK's targets).
        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToArray()) info.Environment.Remove(name);
        if (bloraDevice is null) info.Environment.Remove("BLORA_DEVICE"); else info.Environment["BLORA_DEVICE"] = bloraDevice;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2))) { process.Kill(true); throw new TimeoutException("dotnet msbuild did not finish"); }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
