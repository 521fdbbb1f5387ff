using System.Formats.Tar;
using System.IO.Compression;

namespace BlockLora.Data.Downloads;

/// <summary>
/// Unpacks .tar, .tar.gz/.tgz and .zip archives into a folder, refusing any entry whose path would land
/// outside it ("../x", "/etc/x", or a link pointing out). The format is read from the file's first bytes,
/// not its name, because some dataset hosts serve gzip-compressed files named ".tar".
/// </summary>
public static class ArchiveExtractor
{
    /// <summary>Extracts every file and folder of <paramref name="archive"/> below <paramref name="targetDir"/>
    /// and returns the number of files written. Symbolic and hard links inside the folder are skipped (dataset
    /// archives need none, and a link is how a later entry could be written outside).</summary>
    /// <exception cref="DownloadException">An entry escapes the folder, or the archive is unreadable.</exception>
    public static int Extract(string archive, string targetDir)
    {
        string target = Path.GetFullPath(targetDir);
        Directory.CreateDirectory(target);
        try
        {
            return DetectFormat(archive) switch
            {
                ArchiveFormat.Zip => ExtractZip(archive, target),
                ArchiveFormat.GzipTar => ExtractTar(archive, target, gzip: true),
                _ => ExtractTar(archive, target, gzip: false),
            };
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException)
        {
            throw new DownloadException($"{archive}: not a readable archive: {e.Message}", e);
        }
    }

    private enum ArchiveFormat { Tar, GzipTar, Zip }

    private static ArchiveFormat DetectFormat(string archive)
    {
        Span<byte> magic = stackalloc byte[4];
        using var stream = File.OpenRead(archive);
        int read = stream.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false);
        if (read >= 2 && magic[0] == 0x1f && magic[1] == 0x8b) return ArchiveFormat.GzipTar;
        if (read >= 4 && magic[0] == (byte)'P' && magic[1] == (byte)'K' && magic[2] == 3 && magic[3] == 4) return ArchiveFormat.Zip;
        return ArchiveFormat.Tar;
    }

    private static int ExtractTar(string archive, string target, bool gzip)
    {
        using var file = new FileStream(archive, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        using Stream stream = gzip ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var reader = new TarReader(stream);
        int files = 0;
        while (reader.GetNextEntry() is { } entry)
        {
            string path = SafePath(archive, target, entry.Name);
            switch (entry.EntryType)
            {
                case TarEntryType.Directory:
                    Directory.CreateDirectory(path);
                    break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                    using (var output = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None))
                        entry.DataStream?.CopyTo(output);
                    files++;
                    break;
                case TarEntryType.SymbolicLink or TarEntryType.HardLink:
                    // A symbolic link is relative to its own folder, a hard link to the archive root.
                    string linkBase = entry.EntryType == TarEntryType.SymbolicLink ? Path.GetDirectoryName(path)! : target;
                    if (!IsInside(target, Path.GetFullPath(Path.Combine(linkBase, entry.LinkName))))
                        throw new DownloadException($"{archive}: entry '{entry.Name}' links to '{entry.LinkName}', outside {target}; refusing to extract");
                    break;
                default:
                    // Devices, FIFOs and the like have no place in an image dataset; nothing is written for them.
                    break;
            }
        }
        return files;
    }

    private static int ExtractZip(string archive, string target)
    {
        using var zip = ZipFile.OpenRead(archive);
        int files = 0;
        foreach (var entry in zip.Entries)
        {
            string path = SafePath(archive, target, entry.FullName);
            // Zip marks folders with a trailing slash and no data.
            if (entry.FullName.EndsWith('/') || entry.FullName.EndsWith('\\'))
            {
                Directory.CreateDirectory(path);
                continue;
            }
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            entry.ExtractToFile(path, overwrite: true);
            files++;
        }
        return files;
    }

    private static string SafePath(string archive, string target, string entryName)
    {
        if (entryName.Contains('\0'))
            throw new DownloadException($"{archive}: entry name contains a NUL character; refusing to extract");
        // Rooted names ("/etc/passwd") would make Path.Combine drop the target altogether.
        if (Path.IsPathRooted(entryName) || entryName.StartsWith('/') || entryName.StartsWith('\\'))
            throw new DownloadException($"{archive}: entry '{entryName}' has an absolute path; refusing to extract");
        string full = Path.GetFullPath(Path.Combine(target, entryName));
        if (!IsInside(target, full))
            throw new DownloadException($"{archive}: entry '{entryName}' would be written outside {target}; refusing to extract");
        return full;
    }

    private static bool IsInside(string root, string path) =>
        path == root || path.StartsWith(root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar, StringComparison.Ordinal);
}
