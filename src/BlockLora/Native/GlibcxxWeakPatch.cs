// This one file serves two builds: the library compiles it (BLOCKLORA_LIBRARY defined) so notebooks can
// call the patch, and build/NativeFix.targets compiles it as an inline MSBuild task, so there is one copy.
#nullable enable
using System;
using System.IO;
using System.Text;

namespace BlockLora.Native
{
    /// <summary>
    /// libLibTorchSharp.so (TorchSharp 0.107.0) declares a need for GLIBCXX_3.4.32, which Debian 12's
    /// libstdc++ (3.4.30) lacks, so the loader refuses it. The only symbol bound to that version is
    /// std::ios_base_library_init(), which nothing relocates against, so marking the version need WEAK
    /// (VER_FLG_WEAK in its Vernaux entry) lets the library load and run unchanged otherwise.
    /// </summary>
    public static class GlibcxxWeakPatch
    {
        public const string VersionName = "GLIBCXX_3.4.32";
        private const uint ShtGnuVerneed = 0x6ffffffe;
        private const ushort VerFlgWeak = 0x2;

        /// <summary>Outcome of one patch attempt.</summary>
        public enum Result { Patched, AlreadyWeak, NotNeeded }

        /// <summary>Marks the version need weak in place (atomically, via a temp file). Idempotent.</summary>
        public static Result Apply(string path, string versionName = VersionName)
        {
            byte[] elf = File.ReadAllBytes(path);
            long flagsOffset = FindVernauxFlagsOffset(elf, versionName, path);
            if (flagsOffset < 0) return Result.NotNeeded;
            ushort flags = BitConverter.ToUInt16(elf, (int)flagsOffset);
            if ((flags & VerFlgWeak) != 0) return Result.AlreadyWeak;
            flags |= VerFlgWeak;
            elf[flagsOffset] = (byte)(flags & 0xff);
            elf[flagsOffset + 1] = (byte)(flags >> 8);
            string tmp = path + ".patch-" + Guid.NewGuid().ToString("N");
            File.WriteAllBytes(tmp, elf);
            File.Replace(tmp, path, null); // a rename: readers never see a half-written library
            return Result.Patched;
        }

        /// <summary>File offset of vna_flags for <paramref name="versionName"/>, or -1 if it is not needed.</summary>
        public static long FindVernauxFlagsOffset(byte[] elf, string versionName, string pathForErrors)
        {
            if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
                throw new InvalidDataException($"{pathForErrors}: not an ELF file");
            if (elf[4] != 2 || elf[5] != 1)
                throw new InvalidDataException($"{pathForErrors}: only little-endian ELF64 is supported");

            long shoff = (long)BitConverter.ToUInt64(elf, 0x28);
            int shentsize = BitConverter.ToUInt16(elf, 0x3A);
            int shnum = BitConverter.ToUInt16(elf, 0x3C);
            for (int i = 0; i < shnum; i++)
            {
                long sh = shoff + (long)i * shentsize;
                uint type = BitConverter.ToUInt32(elf, (int)sh + 4);
                if (type != ShtGnuVerneed) continue;
                long offset = (long)BitConverter.ToUInt64(elf, (int)sh + 0x18);
                uint link = BitConverter.ToUInt32(elf, (int)sh + 0x28);
                uint count = BitConverter.ToUInt32(elf, (int)sh + 0x2C); // sh_info = number of Verneed entries
                long strtab = (long)BitConverter.ToUInt64(elf, (int)(shoff + link * shentsize) + 0x18);

                long need = offset;
                for (uint n = 0; n < count; n++)
                {
                    ushort auxCount = BitConverter.ToUInt16(elf, (int)need + 2);
                    uint auxOffset = BitConverter.ToUInt32(elf, (int)need + 8);
                    uint next = BitConverter.ToUInt32(elf, (int)need + 12);
                    long aux = need + auxOffset;
                    for (int a = 0; a < auxCount; a++)
                    {
                        uint nameOffset = BitConverter.ToUInt32(elf, (int)aux + 8);
                        if (ReadCString(elf, strtab + nameOffset) == versionName) return aux + 4; // Vernaux: hash u32, flags u16, other u16, name u32, next u32
                        uint auxNext = BitConverter.ToUInt32(elf, (int)aux + 12);
                        if (auxNext == 0) break;
                        aux += auxNext;
                    }
                    if (next == 0) break;
                    need += next;
                }
            }
            return -1;
        }

        private static string ReadCString(byte[] data, long start)
        {
            long end = start;
            while (end < data.Length && data[end] != 0) end++;
            return Encoding.ASCII.GetString(data, (int)start, (int)(end - start));
        }
    }

#if !BLOCKLORA_LIBRARY
    /// <summary>MSBuild face of the patch: run before ResolveReferences on the NuGet-cache copy.</summary>
    public class PatchLibTorchSharp : Microsoft.Build.Utilities.Task
    {
        [Microsoft.Build.Framework.Required]
        public string LibraryPath { get; set; } = "";

        public override bool Execute()
        {
            if (!File.Exists(LibraryPath)) return true;
            try
            {
                var result = GlibcxxWeakPatch.Apply(LibraryPath);
                if (result == GlibcxxWeakPatch.Result.Patched)
                    Log.LogMessage(Microsoft.Build.Framework.MessageImportance.High,
                        $"BlockLora: marked {GlibcxxWeakPatch.VersionName} weak in {LibraryPath}");
                return true;
            }
            catch (Exception e)
            {
                Log.LogError($"BlockLora: could not patch {LibraryPath}: {e.Message}");
                return false;
            }
        }
    }
#endif
}
