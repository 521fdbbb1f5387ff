namespace BlockLora.Text;

/// <summary>
/// GPT-2's <c>bytes_to_unicode</c>, which CLIP reuses: every byte gets a printable stand-in character
/// so that BPE can work on strings. Printable Latin-1 bytes stand for themselves; the other 68 bytes
/// (controls, space, U+00A0, U+00AD) take U+0100 onwards, in byte order.
/// </summary>
internal static class ByteLevelAlphabet
{
    /// <summary>The stand-in characters in the order CLIP's vocabulary lists them (its first 256 ids).</summary>
    public static readonly IReadOnlyList<char> Characters;

    /// <summary>For each byte, its position in <see cref="Characters"/>, which is also its token id.</summary>
    public static readonly IReadOnlyList<int> ByteToIndex;

    private static readonly Dictionary<char, byte> s_charToByte;

    static ByteLevelAlphabet()
    {
        var order = new List<int>(256);
        var chars = new List<char>(256);
        for (int b = 0; b < 256; b++)
        {
            if (IsSelfRepresented(b))
            {
                order.Add(b);
                chars.Add((char)b);
            }
        }

        int extra = 0;
        for (int b = 0; b < 256; b++)
        {
            if (!IsSelfRepresented(b))
            {
                order.Add(b);
                chars.Add((char)(256 + extra));
                extra++;
            }
        }

        var byteToIndex = new int[256];
        s_charToByte = new Dictionary<char, byte>(256);
        for (int i = 0; i < 256; i++)
        {
            byteToIndex[order[i]] = i;
            s_charToByte[chars[i]] = (byte)order[i];
        }

        Characters = chars;
        ByteToIndex = byteToIndex;
    }

    public static byte GetByte(char c) => s_charToByte[c];

    private static bool IsSelfRepresented(int b) => b is (>= '!' and <= '~') or (>= 0xA1 and <= 0xAC) or (>= 0xAE and <= 0xFF);
}
