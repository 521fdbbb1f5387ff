using System.Buffers.Binary;
using System.Text;

namespace BlockLora.Tests.Native;

/// <summary>One Vernaux entry of an ELF file's <c>.gnu.version_r</c>: a version of a library the file needs.</summary>
public sealed record VersionNeed(string File, string Version, ushort Flags, long FlagsOffset)
{
    public const ushort Weak = 0x2; // VER_FLG_WEAK

    public bool IsWeak => (Flags & Weak) != 0;
}

/// <summary>
/// Reads the version needs of a little-endian ELF64 file the way readelf -V does: the section found by its name in
/// the section-name table, the entries followed by their next links. Written apart from GlibcxxWeakPatch (which finds
/// the section by type and counts entries by sh_info) so that the tests do not check the patch against itself.
/// </summary>
public static class ElfVersionNeeds
{
    public static IReadOnlyList<VersionNeed> Read(byte[] elf)
    {
        long sectionHeaders = (long)U64(elf, 0x28);
        int entrySize = U16(elf, 0x3A);
        int count = U16(elf, 0x3C);
        int namesIndex = U16(elf, 0x3E);
        long Header(long index) => sectionHeaders + index * entrySize;
        long Offset(long index) => (long)U64(elf, Header(index) + 24);

        long sectionNames = Offset(namesIndex);
        for (int s = 0; s < count; s++)
        {
            if (CString(elf, sectionNames + U32(elf, Header(s))) != ".gnu.version_r") continue;
            long strings = Offset(U32(elf, Header(s) + 40));
            var needs = new List<VersionNeed>();
            long need = Offset(s);
            while (true)
            {
                string file = CString(elf, strings + U32(elf, need + 4));
                long aux = need + U32(elf, need + 8);
                for (int a = 0; a < U16(elf, need + 2); a++)
                {
                    needs.Add(new VersionNeed(file, CString(elf, strings + U32(elf, aux + 8)), U16(elf, aux + 4), aux + 4));
                    aux += U32(elf, aux + 12);
                }
                uint next = U32(elf, need + 12);
                if (next == 0) return needs;
                need += next;
            }
        }
        return [];
    }

    /// <summary>The one need for <paramref name="version"/>; fails the test if there is none or several.</summary>
    public static VersionNeed Single(byte[] elf, string version) => Assert.Single(Read(elf), n => n.Version == version);

    private static ushort U16(byte[] data, long at) => BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan((int)at));

    private static uint U32(byte[] data, long at) => BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan((int)at));

    private static ulong U64(byte[] data, long at) => BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan((int)at));

    private static string CString(byte[] data, long start)
    {
        int end = Array.IndexOf(data, (byte)0, (int)start);
        return Encoding.ASCII.GetString(data, (int)start, end - (int)start);
    }
}
