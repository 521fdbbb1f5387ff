using System.Text;

namespace BlockLora.Text.Ftfy;

/// <summary>
/// Strict UTF-8 decoding that also accepts the two common non-standard forms ftfy's "utf-8-variants"
/// codec accepts: CESU-8 (a surrogate pair written as two three-byte sequences) and Java's C0 80 for
/// U+0000. Anything else that is not well-formed UTF-8 makes the decode fail, because a failed decode
/// is how the mojibake fixer learns that a guessed encoding was wrong.
/// </summary>
internal static class Utf8VariantsDecoder
{
    public static bool TryDecode(ReadOnlySpan<byte> bytes, out string text)
    {
        var builder = new StringBuilder(bytes.Length);
        int n = bytes.Length;
        int i = 0;
        text = string.Empty;
        while (i < n)
        {
            byte lead = bytes[i];
            if (lead < 0x80)
            {
                builder.Append((char)lead);
                i++;
                continue;
            }

            if (lead == 0xC0)
            {
                if (i + 1 < n && (bytes[i + 1] == 0x80 || IsFinalNewline(bytes, i + 1)))
                {
                    builder.Append('\0');
                    i += 2;
                    continue;
                }

                return false;
            }

            if (lead == 0xED && i + 1 < n && bytes[i + 1] >= 0xA0)
            {
                if (n - i >= 6
                    && bytes[i + 1] is >= 0xA0 and <= 0xAF
                    && bytes[i + 2] is >= 0x80 and <= 0xBF
                    && bytes[i + 3] == 0xED
                    && bytes[i + 4] is >= 0xB0 and <= 0xBF
                    && (bytes[i + 5] is >= 0x80 and <= 0xBF || IsFinalNewline(bytes, i + 5)))
                {
                    int codePoint = ((bytes[i + 1] & 0x0F) << 16) + ((bytes[i + 2] & 0x3F) << 10)
                        + ((bytes[i + 4] & 0x0F) << 6) + (bytes[i + 5] & 0x3F) + 0x10000;
                    builder.Append(char.ConvertFromUtf32(codePoint));
                    i += 6;
                    continue;
                }

                return false;
            }

            if (!TryDecodeScalar(bytes[i..], out int scalar, out int length))
            {
                return false;
            }

            builder.Append(char.ConvertFromUtf32(scalar));
            i += length;
        }

        text = builder.ToString();
        return true;
    }

    // ftfy finds these sequences with a bytes regex whose '$' also matches before a final "\n", so a
    // trailing newline can stand in for their last byte; the quirk is kept to decode as ftfy does.
    private static bool IsFinalNewline(ReadOnlySpan<byte> bytes, int at) => at == bytes.Length - 1 && bytes[at] == (byte)'\n';

    // One well-formed UTF-8 sequence (Unicode Table 3-7): no overlongs, surrogates or values past U+10FFFF.
    private static bool TryDecodeScalar(ReadOnlySpan<byte> bytes, out int scalar, out int length)
    {
        scalar = 0;
        byte lead = bytes[0];
        (length, scalar, byte low, byte high) = lead switch
        {
            >= 0xC2 and <= 0xDF => (2, lead & 0x1F, (byte)0x80, (byte)0xBF),
            0xE0 => (3, lead & 0x0F, (byte)0xA0, (byte)0xBF),
            >= 0xE1 and <= 0xEC or 0xEE or 0xEF => (3, lead & 0x0F, (byte)0x80, (byte)0xBF),
            0xED => (3, lead & 0x0F, (byte)0x80, (byte)0x9F),
            0xF0 => (4, lead & 0x07, (byte)0x90, (byte)0xBF),
            >= 0xF1 and <= 0xF3 => (4, lead & 0x07, (byte)0x80, (byte)0xBF),
            0xF4 => (4, lead & 0x07, (byte)0x80, (byte)0x8F),
            _ => (0, 0, (byte)0, (byte)0),
        };

        if (length == 0 || bytes.Length < length)
        {
            return false;
        }

        for (int k = 1; k < length; k++)
        {
            byte next = bytes[k];
            byte min = k == 1 ? low : (byte)0x80;
            byte max = k == 1 ? high : (byte)0xBF;
            if (next < min || next > max)
            {
                return false;
            }

            scalar = (scalar << 6) | (next & 0x3F);
        }

        return true;
    }
}
