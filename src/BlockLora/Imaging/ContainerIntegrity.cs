using System.Buffers.Binary;

namespace BlockLora.Imaging;

/// <summary>
/// Structural end-of-stream checks for the formats whose ImageSharp 2.1 decoders accept truncated input
/// silently (they fill the missing rows with grey or black instead of failing). Returns a problem
/// description, or null when the container is complete.
/// </summary>
internal static class ContainerIntegrity
{
    private static ReadOnlySpan<byte> PngSignature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>
    /// Walks the marker segments and entropy-coded data up to EOI. Walking (rather than only looking at
    /// the last two bytes) accepts valid files that carry trailing bytes after EOI, and is not fooled by
    /// the EOI of an embedded EXIF thumbnail, which sits inside an APP1 segment and is skipped whole.
    /// </summary>
    public static string? CheckJpeg(ReadOnlySpan<byte> data)
    {
        const string truncated = "truncated JPEG (no EOI marker)";
        if (data.Length < 4 || data[0] != 0xFF || data[1] != 0xD8) return "corrupt JPEG (no SOI marker)";
        int pos = 2;
        while (true)
        {
            if (pos >= data.Length) return truncated;
            if (data[pos] != 0xFF) return EndsWithEoi(data) ? null : truncated;
            while (pos < data.Length && data[pos] == 0xFF) pos++; // fill bytes before a marker are legal
            if (pos >= data.Length) return truncated;
            byte marker = data[pos++];
            if (marker == 0xD9) return null;
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) continue; // TEM and RSTn carry no length
            if (pos + 2 > data.Length) return truncated;
            int segmentLength = BinaryPrimitives.ReadUInt16BigEndian(data[pos..]);
            if (segmentLength < 2) return EndsWithEoi(data) ? null : truncated;
            if (pos + segmentLength > data.Length) return truncated;
            pos += segmentLength;
            if (marker != 0xDA) continue;

            // Entropy-coded data follows SOS; 0xFF inside it is always followed by 0x00 (stuffing), a
            // restart marker, or more fill bytes, so the first other 0xFF xx is the next real marker.
            while (true)
            {
                int ff = data[pos..].IndexOf((byte)0xFF);
                if (ff < 0) return truncated;
                pos += ff;
                if (pos + 1 >= data.Length) return truncated;
                byte next = data[pos + 1];
                if (next == 0x00 || (next >= 0xD0 && next <= 0xD7)) pos += 2;
                else if (next == 0xFF) pos += 1;
                else break;
            }
        }
    }

    /// <summary>
    /// Walks the chunk list to IEND. A chunk whose declared length runs past the end of the file, or a
    /// file that ends between chunks, is truncated; bytes after IEND are ignored as PIL ignores them.
    /// </summary>
    public static string? CheckPng(ReadOnlySpan<byte> data)
    {
        const string truncated = "truncated PNG (no IEND chunk)";
        if (data.Length < PngSignature.Length || !data[..PngSignature.Length].SequenceEqual(PngSignature)) return "corrupt PNG (bad signature)";
        long pos = PngSignature.Length;
        while (true)
        {
            if (pos + 8 > data.Length) return truncated;
            uint length = BinaryPrimitives.ReadUInt32BigEndian(data[(int)pos..]);
            if (length > int.MaxValue) return "corrupt PNG (chunk length out of range)";
            ReadOnlySpan<byte> type = data.Slice((int)pos + 4, 4);
            long end = pos + 8 + length + 4; // length, type, data, CRC
            if (end > data.Length) return truncated;
            if (type.SequenceEqual("IEND"u8)) return null;
            pos = end;
        }
    }

    // Fallback when the marker walk meets something it does not understand: decide on the last marker,
    // ignoring the zero padding some writers append.
    private static bool EndsWithEoi(ReadOnlySpan<byte> data)
    {
        ReadOnlySpan<byte> trimmed = data.TrimEnd((byte)0x00);
        return trimmed.Length >= 2 && trimmed[^2] == 0xFF && trimmed[^1] == 0xD9;
    }
}
