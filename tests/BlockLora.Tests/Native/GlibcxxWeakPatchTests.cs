using BlockLora.Native;

namespace BlockLora.Tests.Native;

/// <summary>
/// The GLIBCXX_3.4.32 patch on copies of the restored libLibTorchSharp.so (the NuGet-cache file itself is only read):
/// it sets exactly the weak flag of that one version need, once, and refuses or leaves alone what it should not touch.
/// </summary>
public class GlibcxxWeakPatchTests
{
    private const string Version = GlibcxxWeakPatch.VersionName;

    /// <summary>A copy of the cached library with the need made strong again, as TorchSharp ships it.</summary>
    private static (string Path, byte[] Unpatched) UnpatchedCopy()
    {
        byte[] bytes = File.ReadAllBytes(NuGetCacheLibraries.LibTorchSharp());
        var need = ElfVersionNeeds.Single(bytes, Version);
        ushort strong = (ushort)(need.Flags & ~VersionNeed.Weak);
        bytes[need.FlagsOffset] = (byte)strong;
        bytes[need.FlagsOffset + 1] = (byte)(strong >> 8);
        string path = System.IO.Path.Combine(Fixtures.TempDir(), "libLibTorchSharp.so");
        File.WriteAllBytes(path, bytes);
        return (path, bytes);
    }

    [Fact]
    public void The_restored_library_has_been_patched_by_the_build()
    {
        var need = ElfVersionNeeds.Single(File.ReadAllBytes(NuGetCacheLibraries.LibTorchSharp()), Version);
        Assert.Equal("libstdc++.so.6", need.File);
        Assert.True(need.IsWeak, $"{Version} is not weak in the NuGet cache; build/NativeFix.targets should have patched it");
    }

    [Fact]
    public void Apply_marks_the_need_weak_and_changes_nothing_else()
    {
        var (path, unpatched) = UnpatchedCopy();
        Assert.False(ElfVersionNeeds.Single(unpatched, Version).IsWeak);

        Assert.Equal(GlibcxxWeakPatch.Result.Patched, GlibcxxWeakPatch.Apply(path));

        byte[] patched = File.ReadAllBytes(path);
        var before = ElfVersionNeeds.Read(unpatched);
        var after = ElfVersionNeeds.Read(patched);
        Assert.Equal(before.Select(n => (n.File, n.Version)), after.Select(n => (n.File, n.Version)));
        Assert.Equal(before.Select(n => n.Version == Version ? (ushort)(n.Flags | VersionNeed.Weak) : n.Flags), after.Select(n => n.Flags));
        Assert.Equal(unpatched.Length, patched.Length);
        var changed = Enumerable.Range(0, patched.Length).Where(i => patched[i] != unpatched[i]).ToList();
        Assert.Equal([ElfVersionNeeds.Single(patched, Version).FlagsOffset], changed.Select(i => (long)i));
        Assert.Equal(File.ReadAllBytes(NuGetCacheLibraries.LibTorchSharp()), patched);
    }

    [Fact]
    public void Apply_is_idempotent_and_leaves_no_temporary_files()
    {
        var (path, _) = UnpatchedCopy();
        Assert.Equal(GlibcxxWeakPatch.Result.Patched, GlibcxxWeakPatch.Apply(path));
        byte[] once = File.ReadAllBytes(path);
        var written = File.GetLastWriteTimeUtc(path);

        Assert.Equal(GlibcxxWeakPatch.Result.AlreadyWeak, GlibcxxWeakPatch.Apply(path));
        Assert.Equal(GlibcxxWeakPatch.Result.AlreadyWeak, GlibcxxWeakPatch.Apply(path));
        Assert.Equal(once, File.ReadAllBytes(path));
        Assert.Equal(written, File.GetLastWriteTimeUtc(path)); // an already-weak file is not rewritten
        Assert.Equal([path], Directory.GetFiles(System.IO.Path.GetDirectoryName(path)!));
    }

    [Fact]
    public void The_flags_offset_is_the_one_readelf_style_parsing_finds()
    {
        var (path, unpatched) = UnpatchedCopy();
        Assert.Equal(ElfVersionNeeds.Single(unpatched, Version).FlagsOffset, GlibcxxWeakPatch.FindVernauxFlagsOffset(unpatched, Version, path));
        var other = ElfVersionNeeds.Single(unpatched, "GLIBCXX_3.4.30");
        Assert.Equal(other.FlagsOffset, GlibcxxWeakPatch.FindVernauxFlagsOffset(unpatched, other.Version, path));
    }

    [Fact]
    public void A_library_that_does_not_need_the_version_is_left_unchanged()
    {
        var (path, unpatched) = UnpatchedCopy();
        Assert.Equal(GlibcxxWeakPatch.Result.NotNeeded, GlibcxxWeakPatch.Apply(path, "GLIBCXX_9.9.99"));
        Assert.Equal(unpatched, File.ReadAllBytes(path));
    }

    [Fact]
    public void An_ELF_file_without_version_needs_is_left_unchanged()
    {
        // A bare ELF64 little-endian header with no section headers: valid, and needs nothing.
        var header = new byte[64];
        header[0] = 0x7f; header[1] = (byte)'E'; header[2] = (byte)'L'; header[3] = (byte)'F';
        header[4] = 2; header[5] = 1; header[6] = 1;
        string path = System.IO.Path.Combine(Fixtures.TempDir(), "empty.so");
        File.WriteAllBytes(path, header);

        Assert.Equal(GlibcxxWeakPatch.Result.NotNeeded, GlibcxxWeakPatch.Apply(path));
        Assert.Equal(header, File.ReadAllBytes(path));
    }

    [Theory]
    [InlineData("a text file\n")]
    [InlineData("\u007fELF")] // the magic alone is too short to be a header
    public void A_file_that_is_not_ELF_is_refused_naming_it(string content)
    {
        string path = System.IO.Path.Combine(Fixtures.TempDir(), "libLibTorchSharp.so");
        File.WriteAllText(path, content);
        var e = Assert.Throws<InvalidDataException>(() => GlibcxxWeakPatch.Apply(path));
        Assert.Equal($"{path}: not an ELF file", e.Message);
        Assert.Equal(content, File.ReadAllText(path));
    }

    [Fact]
    public void A_32_bit_or_big_endian_ELF_file_is_refused()
    {
        var (path, unpatched) = UnpatchedCopy();
        foreach (var (elfClass, data) in new[] { ((byte)1, (byte)1), ((byte)2, (byte)2) })
        {
            byte[] other = (byte[])unpatched.Clone();
            other[4] = elfClass;
            other[5] = data;
            File.WriteAllBytes(path, other);
            var e = Assert.Throws<InvalidDataException>(() => GlibcxxWeakPatch.Apply(path));
            Assert.Equal($"{path}: only little-endian ELF64 is supported", e.Message);
            Assert.Equal(other, File.ReadAllBytes(path));
        }
    }
}
