using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace BlockLora.Text.Ftfy;

/// <summary>
/// ftfy's test for "this text probably contains mojibake": a few hundred characters that show up when
/// UTF-8 is decoded with a one-byte code page are sorted into categories, and certain juxtapositions
/// of those categories (an accented lower-case letter right before a currency sign, say) almost never
/// occur in intended text. The categories and sequences are transcribed from ftfy 6.3's heuristic
/// (ftfy by Robyn Speer, Apache-2.0), so that the cleaner fixes exactly the text ftfy fixes and leaves
/// correct accented text alone.
/// </summary>
internal static partial class MojibakeHeuristic
{
    // Characters found in many contexts; sequences with them are not mojibake in themselves.
    private const string Common =
        @"\u00A0\u00AD\u00B7\u00B4\u2013\u2014\u2015\u2026\u2019";

    // C1 controls, which nothing but mojibake produces any more.
    private const string C1 =
        @"\u0080-\u009F";

    // Characters that appear almost only in mojibake.
    private const string Bad =
        @"\u00A6\u00A4\u00A8\u00AC\u00AF\u00B8\u0192\u02C6\u02C7\u02D8\u02DB\u02DC\u2020\u2021\u2030\u2310" +
        @"\u25CA\uFFFD\u00AA\u00BA";

    // Legal symbols.
    private const string Law =
        @"\u00B6\u00A7";

    private const string Currency =
        @"\u00A2\u00A3\u00A5\u20A7\u20AC";

    private const string StartPunctuation =
        @"\u00A1\u00AB\u00BF\u00A9\u0384\u0385\u2018\u201A\u201C\u201E\u2022\u2039\uF8FF";

    private const string EndPunctuation =
        @"\u00AE\u00BB\u02DD\u201D\u203A\u2122";

    private const string Numeric =
        @"\u00B2\u00B3\u00B9\u00B1\u00BC\u00BD\u00BE\u00D7\u00B5\u00F7\u2044\u2202\u2206\u220F\u2211\u221A" +
        @"\u221E\u2229\u222B\u2248\u2260\u2261\u2264\u2265\u2116";

    // Letters used to draw emoticons, which may legitimately sit in odd company.
    private const string Kaomoji =
        @"\u00D2-\u00D6\u00D9-\u00DC\u00F2-\u00F6\u00F8-\u00FC\u0150\u014C\u016A\u0172\u00B0";

    private const string UpperAccented =
        @"\u00C0-\u00D1\u00D8\u00DC\u00DD\u0102\u0100\u0104\u0106\u010C\u010E\u0110\u0118\u011A\u0112" +
        @"\u0116\u011E\u0122\u0130\u012A\u0136\u0139\u013D\u0141\u013B\u0143\u0147\u0145\u0152\u0158\u015A" +
        @"\u015E\u0160\u0162\u0164\u016E\u0170\u0178\u0179\u017B\u017D\u0490";

    private const string LowerAccented =
        @"\u00DF\u00E0-\u00F1\u0103\u0105\u0101\u0107\u010D\u010F\u0111\u0119\u011B\u0113\u0117\u011F" +
        @"\u0123\u012F\u012B\u0137\u013A\u013E\u0142\u013C\u0153\u0155\u015B\u015F\u0161\u0165\u00FC\u017A" +
        @"\u017C\u017E\u0491\uFB01\uFB02";

    // Greek and Cyrillic capitals, plus Þ.
    private const string UpperCommon =
        @"\u00DE\u0391-\u03A9\u0386\u0388\u0389\u038A\u038C\u038E\u038F\u03AA\u03AB\u0401-\u042F";

    // Greek and Cyrillic small letters.
    private const string LowerCommon =
        @"\u03B1-\u03C9\u03AC\u03AD\u03AE\u03AF\u03B0\u0430-\u045F";

    // Box drawing and block elements (cp437 mojibake).
    private const string Box =
        @"\u2502\u250C\u2510\u2518\u251C\u2524\u252C\u253C\u2550-\u256C\u2580\u2584\u2588\u258C\u2590" +
        @"\u2591\u2592\u2593";

    // Python's \s for str patterns (str.isspace), which includes U+001C..U+001F.
    private const string Space = @"[\t-\r\u001C-\u0020\u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]";

    // Python's '.' matches a whole code point; a surrogate pair must count as one character here.
    private const string AnyButNewline = @"(?:[\uD800-\uDBFF][\uDC00-\uDFFF]|[^\n])";

    private const string AfterBad = $"{LowerAccented}{UpperAccented}{Box}{StartPunctuation}{EndPunctuation}{Currency}{Numeric}{Law}";

    private const string ArabicFollower = $@"{Common}{Currency}{Bad}{Numeric}{StartPunctuation}\u0178\u0160\u00AE\u00B0\u00B5\u00BB";

    private const string Pattern =
        $@"[{C1}]"
        + $@"|[{Bad}{AfterBad}][{Bad}]"
        + $@"|[a-zA-Z][{LowerCommon}{UpperCommon}][{Bad}]"
        + $@"|[{Bad}][{AfterBad}]"
        + $@"|[{LowerAccented}{LowerCommon}{Box}{EndPunctuation}{Currency}{Numeric}][{UpperAccented}]"
        + $@"|[{Box}{EndPunctuation}{Currency}{Numeric}][{LowerAccented}]"
        + $@"|[{LowerAccented}{Box}{EndPunctuation}][{Currency}]"
        + $@"|{Space}[{UpperAccented}][{Currency}]"
        + $@"|[{UpperAccented}{Box}][{Numeric}{Law}]"
        + $@"|[{LowerAccented}{UpperAccented}{Box}{Currency}{EndPunctuation}][{StartPunctuation}][{Numeric}]"
        + $@"|[{LowerAccented}{UpperAccented}{Currency}{Numeric}{Box}{Law}][{EndPunctuation}][{StartPunctuation}]"
        + $@"|[{Currency}{Numeric}{Box}][{StartPunctuation}]"
        + $@"|[a-z][{UpperAccented}][{StartPunctuation}{Currency}]"
        + $@"|[{Box}][{Kaomoji}]"
        + $@"|[{LowerAccented}{UpperAccented}{Currency}{Numeric}{StartPunctuation}{EndPunctuation}{Law}][{Box}]"
        + $@"|[{Box}][{EndPunctuation}]"
        // An accented letter, a quotation mark, then a word character: see AccentQuoteWord.
        // The ligature œ when not followed by an unaccented Latin letter.
        + @"|[\u0152\u0153][^A-Za-z]"
        // A degree sign after a capital letter.
        + $@"|[{UpperAccented}]\u00B0"
        // Two-character Windows-1252 mojibake that the sequences above miss.
        + $@"|[\u00C2\u00C3\u00CE\u00D0][\u20AC\u0153\u0160\u0161\u00A2\u00A3\u0178\u017E\u00A0\u00AD\u00AE\u00A9\u00B0\u00B7\u00BB{StartPunctuation}{EndPunctuation}\u2013\u2014\u00B4]"
        + @"|\u00D7[\u00B2\u00B3]"
        // Windows-1252 mojibake of Arabic, which involves common characters, so four are required.
        + $@"|[\u00D8\u00D9][{ArabicFollower}][\u00D8\u00D9][{ArabicFollower}]"
        // Windows-1252 mojibake that starts three-byte sequences of some South Asian scripts.
        + @"|\u00E0[\u00B2\u00B5\u00B9\u00BC\u00BD\u00BE]"
        // MacRoman mojibake.
        + @"|\u221A[\u00B1\u2202\u2020\u2260\u00AE\u2122\u00B4\u2264\u2265\u00A5\u00B5\u00F8]"
        + @"|\u2248[\u00B0\u00A2]"
        + @"|\u201A\u00C4[\u00EC\u00EE\u00EF\u00F2\u00F4\u00FA\u00F9\u00FB\u2020\u00B0\u00A2\u03C0]"
        + @"|\u201A[\u00E2\u00F3][\u00E0\u00E4\u00B0\u00EA]"
        // Windows-1251 mojibake of U+2000-range punctuation.
        + @"|\u0432\u0402"
        // Windows-1251 mojibake of Latin-1 or Cyrillic; the pairs are common, so three characters.
        + $@"|[\u0412\u0413\u0420\u0421][{C1}{Bad}{StartPunctuation}{EndPunctuation}{Currency}\u00B0\u00B5][\u0412\u0413\u0420\u0421]"
        // Windows-1251 mojibake on top of Latin-1 mojibake of Windows-1252, next to a Latin letter.
        + $@"|\u0413\u045E\u0412\u0402\u0412{AnyButNewline}[A-Za-z ]"
        // Windows-1252 encodings of 'à', 'á' and of U+00A0 itself.
        + @"|\u00C3[\u00A0\u00A1]"
        + $@"|[a-z]{Space}?[\u00C3\u00C2][ ]"
        + @"|^[\u00C3\u00C2][ ]"
        // Â before a character, as an encoding of that very character.
        + $@"|[a-z.,?!{EndPunctuation}]\u00C2[ {StartPunctuation}{EndPunctuation}]"
        // Windows-1253 mojibake of U+2000-range punctuation.
        + @"|\u03B2\u20AC[\u2122\u00A0\u0386\u00AD\u00AE\u00B0]"
        // Windows-1253 mojibake of Latin-1 or Greek.
        + $@"|[\u0392\u0393\u039E\u039F][{C1}{Bad}{StartPunctuation}{EndPunctuation}{Currency}\u00B0][\u0392\u0393\u039E\u039F]"
        // Windows-1257 mojibake of U+2000-range punctuation.
        + @"|\u0101\u20AC";

    [GeneratedRegex(Pattern, RegexOptions.CultureInvariant)]
    private static partial Regex Badness();

    // Python's \w after these two has to see a whole code point, so this sequence is checked by hand.
    [GeneratedRegex($@"[{LowerAccented}{UpperAccented}][{StartPunctuation}{EndPunctuation}]", RegexOptions.CultureInvariant)]
    private static partial Regex AccentQuote();

    /// <summary>True when the text contains a sequence that is far more likely mojibake than intended.</summary>
    public static bool IsBad(string text) => Badness().IsMatch(text) || HasAccentQuoteWord(text);

    private static bool HasAccentQuoteWord(string text)
    {
        foreach (ValueMatch match in AccentQuote().EnumerateMatches(text))
        {
            int next = match.Index + match.Length;
            if (next < text.Length && Rune.DecodeFromUtf16(text.AsSpan(next), out Rune rune, out _) == System.Buffers.OperationStatus.Done
                && IsPythonWordCharacter(rune))
            {
                return true;
            }
        }

        return false;
    }

    // Python's \w: letters, anything numeric, and the underscore.
    private static bool IsPythonWordCharacter(Rune rune) =>
        rune.Value == '_'
        || Rune.GetUnicodeCategory(rune) is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter
            or UnicodeCategory.TitlecaseLetter or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
            or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber;
}
