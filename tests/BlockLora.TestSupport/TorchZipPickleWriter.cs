using System.IO.Compression;
using System.Text;
using BlockLora.IO;
using static TorchSharp.torch;

namespace BlockLora.Tests;

/// <summary>
/// Writes the zip layout of <c>torch.save</c> (PyTorch ≥ 1.6): <c>archive/data.pkl</c> (a protocol 2
/// pickle from <see cref="Protocol2Pickler"/>), <c>archive/byteorder</c>, one uncompressed record
/// <c>archive/data/&lt;key&gt;</c> per tensor storage and <c>archive/version</c> = "3". Values may be
/// nested dictionaries, lists, <c>object?[]</c> (written as tuples), strings, integers, floats, bools,
/// null, byte[] and tensors (any device; saved from CPU, tagged 'cpu'). torch.load reads the result;
/// so does <see cref="TorchZipPickleReader"/>. The file is replaced atomically.
/// </summary>
public static class TorchZipPickleWriter
{
    private const int CopyChunkBytes = 64 << 20;

    /// <param name="archiveName">The folder inside the zip; torch uses the file's base name or "archive", and readers accept any.</param>
    public static void Save(string path, object? root, string archiveName = "archive")
    {
        if (archiveName.Length == 0 || archiveName.Contains('/')) throw new ArgumentException($"archive name '{archiveName}' must be one non-empty folder name");
        var pickler = new Protocol2Pickler();
        try
        {
            byte[] pickle = pickler.Dump(root);
            string prefix = archiveName + "/";
            AtomicFile.Write(path, stream =>
            {
                using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
                // Same record order as torch.save; data.pkl first because torch's reader takes the archive
                // folder from the first entry.
                WriteRecord(zip, prefix + "data.pkl", pickle);
                WriteRecord(zip, prefix + "byteorder", Encoding.ASCII.GetBytes(BitConverter.IsLittleEndian ? "little" : "big"));
                foreach (var (key, flat) in pickler.Storages.OrderBy(s => s.Key, StringComparer.Ordinal))
                    WriteStorage(zip, prefix + "data/" + key, flat);
                // torch writes "<kProducedFileFormatVersion>\n"; its reader parses the number with stoull.
                WriteRecord(zip, prefix + "version", Encoding.ASCII.GetBytes("3\n"));
            });
        }
        finally
        {
            foreach (var (_, flat) in pickler.Storages) flat.Dispose();
        }
    }

    private static void WriteRecord(ZipArchive zip, string name, byte[] bytes)
    {
        // Stored, not deflated: torch reads records in place (and memory-maps them with mmap=True).
        var entry = zip.CreateEntry(name, CompressionLevel.NoCompression);
        using var output = entry.Open();
        output.Write(bytes);
    }

    private static void WriteStorage(ZipArchive zip, string name, Tensor flat)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.NoCompression);
        using var output = entry.Open();
        long numel = flat.shape[0];
        if (numel == 0) return;
        long chunk = Math.Max(1, CopyChunkBytes / flat.ElementSize);
        for (long start = 0; start < numel; start += chunk)
        {
            using var slice = flat.narrow(0, start, Math.Min(chunk, numel - start));
            output.Write(slice.bytes);
        }
    }
}
