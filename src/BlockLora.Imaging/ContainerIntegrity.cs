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
    /// Also refuses a frame header whose size the scan data cannot fill (see <see cref="JpegScanTooSmall"/>).
    /// </summary>
    public static string? CheckJpeg(ReadOnlySpan<byte> data)
    {
        const string truncated = "truncated JPEG (no EOI marker)";
        if (data.Length < 4 || data[0] != 0xFF || data[1] != 0xD8) return "corrupt JPEG (no SOI marker)";
        int pos = 2;
        long largestComponentBlocks = 0, scanBytes = 0;
        string frameSize = "";
        while (true)
        {
            if (pos >= data.Length) return truncated;
            if (data[pos] != 0xFF) return EndsWithEoi(data) ? null : truncated;
            while (pos < data.Length && data[pos] == 0xFF) pos++; // fill bytes before a marker are legal
            if (pos >= data.Length) return truncated;
            byte marker = data[pos++];
            if (marker == 0xD9) return JpegScanTooSmall(frameSize, largestComponentBlocks, scanBytes);
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) continue; // TEM and RSTn carry no length
            if (pos + 2 > data.Length) return truncated;
            int segmentLength = BinaryPrimitives.ReadUInt16BigEndian(data[pos..]);
            if (segmentLength < 2) return EndsWithEoi(data) ? null : truncated;
            if (pos + segmentLength > data.Length) return truncated;
            if (marker is 0xC0 or 0xC1 or 0xC2 or 0xC3 && frameSize.Length == 0)
                (frameSize, largestComponentBlocks) = HuffmanFrameBlocks(data.Slice(pos + 2, segmentLength - 2));
            pos += segmentLength;
            if (marker != 0xDA) continue;
            int scanStart = pos;

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
            scanBytes += pos - scanStart;
        }
    }

    /// <summary>
    /// Huffman coding spends at least one bit on every 8x8 block of every component (the DC code of a baseline block,
    /// or of a progressive first DC scan), so scan data of fewer than blocks/8 bytes cannot be a whole image of the
    /// header's size. ImageSharp fills what is missing with grey instead of failing: a few hundred bytes claiming
    /// 7000 x 7000 would decode into hundreds of megabytes of made-up pixels.
    /// </summary>
    private static string? JpegScanTooSmall(string frameSize, long largestComponentBlocks, long scanBytes) =>
        scanBytes * 8 >= largestComponentBlocks ? null
            : $"corrupt JPEG (a {frameSize} image has {largestComponentBlocks} blocks to code, but its scans hold {scanBytes} bytes)";

    /// <summary>The frame's size as text and the block count of its largest component, from a SOF0–SOF3 segment body; ("", 0) when unreadable.</summary>
    private static (string, long) HuffmanFrameBlocks(ReadOnlySpan<byte> frame)
    {
        if (frame.Length < 6) return ("", 0);
        int height = BinaryPrimitives.ReadUInt16BigEndian(frame[1..]);
        int width = BinaryPrimitives.ReadUInt16BigEndian(frame[3..]);
        int components = frame[5];
        // Height 0 means a DNL marker gives it later; ImageSharp refuses such files on its own.
        if (height == 0 || width == 0 || components == 0 || frame.Length < 6 + (3 * components)) return ("", 0);
        int hMax = 1, vMax = 1;
        for (int c = 0; c < components; c++)
        {
            hMax = Math.Max(hMax, frame[6 + (3 * c) + 1] >> 4);
            vMax = Math.Max(vMax, frame[6 + (3 * c) + 1] & 0x0F);
        }
        long largest = 0;
        for (int c = 0; c < components; c++)
        {
            int h = Math.Max(1, frame[6 + (3 * c) + 1] >> 4), v = Math.Max(1, frame[6 + (3 * c) + 1] & 0x0F);
            long componentWidth = ((long)width * h + hMax - 1) / hMax, componentHeight = ((long)height * v + vMax - 1) / vMax;
            largest = Math.Max(largest, ((componentWidth + 7) / 8) * ((componentHeight + 7) / 8));
        }
        return ($"{width} x {height}", largest);
    }

    /// <summary>
    /// Walks the chunk list to IEND. A chunk whose declared length runs past the end of the file, or a
    /// file that ends between chunks, is truncated; bytes after IEND are ignored as PIL ignores them.
    /// Also refuses a header whose size the image data cannot fill (see <see cref="PngDataTooSmall"/>).
    /// </summary>
    public static string? CheckPng(ReadOnlySpan<byte> data)
    {
        const string truncated = "truncated PNG (no IEND chunk)";
        if (data.Length < PngSignature.Length || !data[..PngSignature.Length].SequenceEqual(PngSignature)) return "corrupt PNG (bad signature)";
        long pos = PngSignature.Length;
        long idatBytes = 0;
        ReadOnlySpan<byte> header = default;
        while (true)
        {
            if (pos + 8 > data.Length) return truncated;
            uint length = BinaryPrimitives.ReadUInt32BigEndian(data[(int)pos..]);
            if (length > int.MaxValue) return "corrupt PNG (chunk length out of range)";
            ReadOnlySpan<byte> type = data.Slice((int)pos + 4, 4);
            long end = pos + 8 + length + 4; // length, type, data, CRC
            if (end > data.Length) return truncated;
            if (type.SequenceEqual("IEND"u8)) return PngDataTooSmall(header, idatBytes);
            if (type.SequenceEqual("IHDR"u8) && length == 13 && header.IsEmpty) header = data.Slice((int)pos + 8, 13);
            if (type.SequenceEqual("IDAT"u8)) idatBytes += length;
            pos = end;
        }
    }

    /// <summary>
    /// Deflate makes at most about 1032 bytes of each compressed byte, so IDAT chunks holding fewer than pixels/1032 bytes
    /// cannot be a whole image of the header's size. ImageSharp fills missing rows with zeros instead of failing: a
    /// two-kilobyte file claiming 7000 x 7000 would decode into hundreds of megabytes of made-up pixels.
    /// </summary>
    private static string? PngDataTooSmall(ReadOnlySpan<byte> header, long idatBytes)
    {
        if (header.IsEmpty) return null;
        long width = BinaryPrimitives.ReadUInt32BigEndian(header), height = BinaryPrimitives.ReadUInt32BigEndian(header[4..]);
        int bitDepth = header[8];
        int channels = header[9] switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, 6 => 4, _ => 0 };
        if (width == 0 || height == 0 || channels == 0) return null; // the decoder names these itself
        // Pixel bits only, without the filter byte per row: a lower bound for interlaced images too.
        double pixelBytes = (double)width * height * bitDepth * channels / 8;
        return idatBytes * 1100.0 + 4096 >= pixelBytes ? null
            : $"corrupt PNG (a {width} x {height} image needs {pixelBytes:0} bytes of pixels, more than its {idatBytes} bytes of IDAT data can hold)";
    }

    // Fallback when the marker walk meets something it does not understand: decide on the last marker,
    // ignoring the zero padding some writers append.
    private static bool EndsWithEoi(ReadOnlySpan<byte> data)
    {
        ReadOnlySpan<byte> trimmed = data.TrimEnd((byte)0x00);
        return trimmed.Length >= 2 && trimmed[^2] == 0xFF && trimmed[^1] == 0xD9;
    }
}
