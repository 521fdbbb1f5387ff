using System.Buffers;
using System.Globalization;
using System.Text;

namespace BlockLora.Text.Ftfy;

/// <summary>
/// ftfy's character-level fixes, each a straight substitution that needs no guessing: C1 controls,
/// Latin ligatures, full- and half-width forms, curly quotes, line breaks, stray surrogates, terminal
/// escapes and invisible control characters.
/// </summary>
internal static class CharacterFixes
{
    private static readonly SearchValues<char> s_c1Controls = SearchValues.Create(MakeRange('\u0080', '\u009F'));

    // Latin typographic ligatures and the legacy digraphs that exist only for round-tripping old
    // encodings; ligatures such as æ that are used on purpose are not on the list.
    private static readonly Dictionary<char, string> s_ligatures = new()
    {
        ['\u0132'] = "IJ",
        ['\u0133'] = "ij",
        ['\u0149'] = "\u02BCn",
        ['\u01F1'] = "DZ",
        ['\u01F2'] = "Dz",
        ['\u01F3'] = "dz",
        ['\u01C4'] = "D\u017D",
        ['\u01C5'] = "D\u017E",
        ['\u01C6'] = "d\u017E",
        ['\u01C7'] = "LJ",
        ['\u01C8'] = "Lj",
        ['\u01C9'] = "lj",
        ['\u01CA'] = "NJ",
        ['\u01CB'] = "Nj",
        ['\u01CC'] = "nj",
        ['\uFB00'] = "ff",
        ['\uFB01'] = "fi",
        ['\uFB02'] = "fl",
        ['\uFB03'] = "ffi",
        ['\uFB04'] = "ffl",
        ['\uFB05'] = "\u017Ft",
        ['\uFB06'] = "st",
    };

    private static readonly SearchValues<char> s_ligatureKeys = SearchValues.Create(s_ligatures.Keys.ToArray());

    private static readonly Lazy<Dictionary<char, string>> s_widths = new(BuildWidthMap);

    private static readonly SearchValues<char> s_widthKeys = SearchValues.Create([.. MakeRange('\uFF01', '\uFFEF'), '\u3000']);

    private static readonly SearchValues<char> s_curlyQuotes = SearchValues.Create("\u02BC\u2018\u2019\u201A\u201B\u201C\u201D\u201E\u201F");

    private static readonly SearchValues<char> s_lineBreaks = SearchValues.Create("\r\u2028\u2029\u0085");

    // ASCII controls other than the whitespace ones, deprecated Arabic format controls, interlinear
    // annotation marks, the object replacement character and a byte order mark inside the text.
    private static readonly SearchValues<char> s_controls = SearchValues.Create(
    [
        .. MakeRange('\u0000', '\u0008'), '\u000B', .. MakeRange('\u000E', '\u001F'), '\u007F',
        .. MakeRange('\u206A', '\u206F'), '\uFEFF', .. MakeRange('\uFFF9', '\uFFFC'),
    ]);

    /// <summary>Reads each C1 control character as the Windows-1252 character of that byte, as browsers do.</summary>
    public static string FixC1Controls(string text)
    {
        if (text.AsSpan().IndexOfAny(s_c1Controls) < 0)
        {
            return text;
        }

        return string.Create(text.Length, text, static (span, source) =>
        {
            for (int i = 0; i < span.Length; i++)
            {
                char c = source[i];
                span[i] = c is >= '\u0080' and <= '\u009F' ? SingleByteEncoding.SloppyWindows1252.Decode((byte)c) : c;
            }
        });
    }

    public static string FixLatinLigatures(string text) => Translate(text, s_ligatureKeys, s_ligatures);

    /// <summary>Full-width ASCII, half-width katakana and the like become their normal forms (NFKC of each).</summary>
    public static string FixCharacterWidth(string text) => Translate(text, s_widthKeys, s_widths.Value);

    public static string UncurlQuotes(string text)
    {
        if (text.AsSpan().IndexOfAny(s_curlyQuotes) < 0)
        {
            return text;
        }

        return string.Create(text.Length, text, static (span, source) =>
        {
            for (int i = 0; i < span.Length; i++)
            {
                char c = source[i];
                span[i] = c switch
                {
                    '\u02BC' or (>= '\u2018' and <= '\u201B') => '\'',
                    >= '\u201C' and <= '\u201F' => '"',
                    _ => c,
                };
            }
        });
    }

    public static string FixLineBreaks(string text)
    {
        if (text.AsSpan().IndexOfAny(s_lineBreaks) < 0)
        {
            return text;
        }

        return text.Replace("\r\n", "\n").Replace('\r', '\n').Replace('\u2028', '\n').Replace('\u2029', '\n').Replace('\u0085', '\n');
    }

    /// <summary>Surrogates that are not part of a pair cannot encode anything; they become U+FFFD.</summary>
    public static string FixSurrogates(string text)
    {
        int first = text.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF');
        if (first < 0)
        {
            return text;
        }

        var chars = text.ToCharArray();
        for (int i = first; i < chars.Length; i++)
        {
            if (char.IsHighSurrogate(chars[i]) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(chars[i]))
            {
                chars[i] = '\uFFFD';
            }
        }

        return new string(chars);
    }

    /// <summary>Removes ANSI colour and cursor sequences: ESC '[' then digits and ';' then a letter.</summary>
    public static string RemoveTerminalEscapes(string text)
    {
        int escape = text.IndexOf('\u001B');
        if (escape < 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        builder.Append(text, 0, escape);
        int i = escape;
        while (i < text.Length)
        {
            int end = text[i] == '\u001B' ? MatchTerminalEscape(text, i) : -1;
            if (end > 0)
            {
                i = end;
            }
            else
            {
                builder.Append(text[i]);
                i++;
            }
        }

        return builder.ToString();
    }

    // Returns where the escape sequence starting at 'start' ends, or -1. Python's \d takes any decimal
    // digit, including ones outside the BMP, so digits are read as code points.
    private static int MatchTerminalEscape(string text, int start)
    {
        int i = start + 1;
        if (i >= text.Length || text[i] != '[')
        {
            return -1;
        }

        i++;
        while (i < text.Length)
        {
            if (text[i] == ';')
            {
                i++;
                continue;
            }

            if (Rune.DecodeFromUtf16(text.AsSpan(i), out Rune rune, out int width) == OperationStatus.Done
                && Rune.GetUnicodeCategory(rune) == UnicodeCategory.DecimalDigitNumber)
            {
                i += width;
                continue;
            }

            break;
        }

        return i < text.Length && char.IsAsciiLetter(text[i]) ? i + 1 : -1;
    }

    public static string RemoveControlCharacters(string text)
    {
        int first = text.AsSpan().IndexOfAny(s_controls);
        if (first < 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        builder.Append(text, 0, first);
        for (int i = first; i < text.Length; i++)
        {
            if (!s_controls.Contains(text[i]))
            {
                builder.Append(text[i]);
            }
        }

        return builder.ToString();
    }

    private static string Translate(string text, SearchValues<char> keys, Dictionary<char, string> map)
    {
        int first = text.AsSpan().IndexOfAny(keys);
        if (first < 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 8);
        builder.Append(text, 0, first);
        for (int i = first; i < text.Length; i++)
        {
            if (map.TryGetValue(text[i], out string? replacement))
            {
                builder.Append(replacement);
            }
            else
            {
                builder.Append(text[i]);
            }
        }

        return builder.ToString();
    }

    private static Dictionary<char, string> BuildWidthMap()
    {
        // The ideographic space is not a "width" form, but ftfy treats it as the full-width space.
        var map = new Dictionary<char, string> { ['\u3000'] = " " };
        for (char c = '\uFF01'; c < '\uFFF0'; c++)
        {
            string single = c.ToString();
            string normal = single.Normalize(NormalizationForm.FormKC);
            if (normal != single)
            {
                map[c] = normal;
            }
        }

        return map;
    }

    private static char[] MakeRange(char first, char last)
    {
        var chars = new char[last - first + 1];
        for (int i = 0; i < chars.Length; i++)
        {
            chars[i] = (char)(first + i);
        }

        return chars;
    }
}
