using BlockLora.Native;

namespace BlockLora.Tests.Native;

/// <summary>Where NativePreload looks for the native packages: the versions the build resolved, under the NuGet root.</summary>
[Collection(ProcessEnvironmentCollection.Name)]
public class NativePreloadTests
{
    [Theory]
    [InlineData("TorchSharp")]
    [InlineData("libtorch-cpu-linux-x64")]
    public void Packages_lists_the_native_packages_at_the_versions_Directory_Packages_props_pins(string id)
    {
        var packages = NativePreload.Packages();
        Assert.True(packages.ContainsKey(id), $"{id} is not among {string.Join(", ", packages.Keys)}");
        Assert.Equal(NuGetCacheLibraries.PinnedVersions()[id], packages[id]);
    }

    [Fact]
    public void Packages_ignores_the_case_of_package_ids()
    {
        var packages = NativePreload.Packages();
        Assert.Equal(packages["TorchSharp"], packages["torchsharp"]);
    }

    [Fact]
    public void PackagesRoot_is_NUGET_PACKAGES_when_set_and_the_user_cache_otherwise()
    {
        string? original = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        string userCache = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        try
        {
            string custom = Path.Combine(Fixtures.TempDir(), "packages");
            Environment.SetEnvironmentVariable("NUGET_PACKAGES", custom);
            Assert.Equal(custom, NativePreload.PackagesRoot());

            Environment.SetEnvironmentVariable("NUGET_PACKAGES", "");
            Assert.Equal(userCache, NativePreload.PackagesRoot());

            Environment.SetEnvironmentVariable("NUGET_PACKAGES", null);
            Assert.Equal(userCache, NativePreload.PackagesRoot());
        }
        finally
        {
            Environment.SetEnvironmentVariable("NUGET_PACKAGES", original);
        }
    }
}
