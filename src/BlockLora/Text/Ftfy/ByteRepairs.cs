using System.Text;
using System.Text.RegularExpressions;

namespace BlockLora.Text.Ftfy;

/// <summary>
/// Byte-level repairs applied to re-encoded mojibake before it is decoded as UTF-8. The patterns run
/// over a Latin-1 view of the bytes (one char per byte), which keeps byte semantics exact.
/// </summary>
internal static partial class ByteRepairs
{
    // UTF-8 sequences that would be valid had a program not turned their byte A0 into a space.
    [GeneratedRegex(
        @"[\xC2\xC3\xC5\xCE\xD0\xD9][ ]"
        + @"|[\xE2\xE3][ ][\x80-\x84\x86-\x9F\xA1-\xBF]"
        + @"|[\xE0-\xE3][\x80-\x84\x86-\x9F\xA1-\xBF][ ]"
        + @"|[\xF0][ ][\x80-\xBF][\x80-\xBF]"
        + @"|[\xF0][\x80-\xBF][ ][\x80-\xBF]"
        + @"|[\xF0][\x80-\xBF][\x80-\xBF][ ]",
        RegexOptions.CultureInvariant)]
    private static partial Regex AlteredUtf8();

    // "Ã " on its own is nearly always a mangled "à " (the space after it was its A0 byte, then
    // merged with the real space), except in the Portuguese contractions "às", "àquele" and so on.
    [GeneratedRegex(@"\xC3 (?! |quele|quela|quilo|s )", RegexOptions.CultureInvariant)]
    private static partial Regex AGraveWord();

    // UTF-8 sequences where a sloppy codec's 0x1A (or an ASCII '?') replaced bytes that were lost.
    [GeneratedRegex(
        @"[\xC2-\xDF][\x1A]"
        + @"|[\xC2-\xC3][?]"
        + @"|\xED[\xA0-\xAF][\x1A?]\xED[\xB0-\xBF][\x1A?\x80-\xBF]"
        + @"|\xED[\xA0-\xAF][\x1A?\x80-\xBF]\xED[\xB0-\xBF][\x1A?]"
        + @"|[\xE0-\xEF][\x1A?][\x1A\x80-\xBF]"
        + @"|[\xE0-\xEF][\x1A\x80-\xBF][\x1A?]"
        + @"|[\xF0-\xF4][\x1A?][\x1A\x80-\xBF][\x1A\x80-\xBF]"
        + @"|[\xF0-\xF4][\x1A\x80-\xBF][\x1A?][\x1A\x80-\xBF]"
        + @"|[\xF0-\xF4][\x1A\x80-\xBF][\x1A\x80-\xBF][\x1A?]"
        + @"|\x1A",
        RegexOptions.CultureInvariant)]
    private static partial Regex LossyUtf8();

    private static readonly MatchEvaluator s_spaceToA0 = static m => m.Value.Replace(' ', '\u00A0');

    public static bool HasAlteredUtf8(byte[] bytes) => AlteredUtf8().IsMatch(Encoding.Latin1.GetString(bytes));

    /// <summary>Puts back byte A0 where a space broke an otherwise valid UTF-8 sequence.</summary>
    public static byte[] RestoreByteA0(byte[] bytes)
    {
        string view = AGraveWord().Replace(Encoding.Latin1.GetString(bytes), "\u00C3\u00A0 ");
        return Encoding.Latin1.GetBytes(AlteredUtf8().Replace(view, s_spaceToA0));
    }

    /// <summary>Turns UTF-8 sequences that lost bytes into the UTF-8 of U+FFFD.</summary>
    public static byte[] ReplaceLossySequences(byte[] bytes) =>
        Encoding.Latin1.GetBytes(LossyUtf8().Replace(Encoding.Latin1.GetString(bytes), "\u00EF\u00BF\u00BD"));
}
