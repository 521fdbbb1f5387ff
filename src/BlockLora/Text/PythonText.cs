using System.Globalization;
using System.Text;

namespace BlockLora.Text;

/// <summary>
/// The few Python <c>str</c> behaviours CLIP's cleaning relies on, where .NET's defaults differ:
/// which characters count as whitespace, and <c>str.lower()</c>'s full case mapping.
/// </summary>
internal static class PythonText
{
    /// <summary>Python's <c>str.isspace()</c>, which <c>str.strip()</c> uses; it includes U+001C..U+001F.</summary>
    public static bool IsStrSpace(char c) => c switch
    {
        >= '\t' and <= '\r' => true,
        >= '\u001C' and <= ' ' => true,
        _ => IsWhiteSpaceAbove7F(c),
    };

    /// <summary>
    /// The <c>regex</c> module's <c>\s</c> (the Unicode White_Space property) that CLIP's
    /// <c>whitespace_clean</c> collapses; unlike <c>str.isspace()</c> it leaves U+001C..U+001F alone.
    /// </summary>
    public static bool IsRegexSpace(char c) => c switch
    {
        >= '\t' and <= '\r' => true,
        ' ' => true,
        _ => IsWhiteSpaceAbove7F(c),
    };

    private static bool IsWhiteSpaceAbove7F(char c) => c switch
    {
        '\u0085' or '\u00A0' or '\u1680' => true,
        >= '\u2000' and <= '\u200A' => true,
        '\u2028' or '\u2029' or '\u202F' or '\u205F' or '\u3000' => true,
        _ => false,
    };

    /// <summary>Python's <c>str.strip()</c> with no arguments.</summary>
    public static string Strip(string text)
    {
        int start = 0;
        int end = text.Length;
        while (start < end && IsStrSpace(text[start]))
        {
            start++;
        }

        while (end > start && IsStrSpace(text[end - 1]))
        {
            end--;
        }

        return start == 0 && end == text.Length ? text : text[start..end];
    }

    /// <summary><c>regex.sub(r'\s+', ' ', text)</c>.</summary>
    public static string CollapseWhitespace(string text)
    {
        int i = 0;
        while (i < text.Length && !(IsRegexSpace(text[i]) && (text[i] != ' ' || (i + 1 < text.Length && IsRegexSpace(text[i + 1])))))
        {
            i++;
        }

        if (i == text.Length)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        builder.Append(text, 0, i);
        while (i < text.Length)
        {
            if (IsRegexSpace(text[i]))
            {
                builder.Append(' ');
                while (i < text.Length && IsRegexSpace(text[i]))
                {
                    i++;
                }
            }
            else
            {
                builder.Append(text[i]);
                i++;
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// Python's <c>str.lower()</c>. .NET's invariant lower-casing uses the same simple mappings except
    /// for the two context-free rules of SpecialCasing that Python applies: U+0130 becomes "i̇", and a
    /// capital sigma that ends a word becomes the final form ς.
    /// </summary>
    public static string ToLower(string text)
    {
        if (Ascii.IsValid(text))
        {
            return text.ToLowerInvariant();
        }

        var builder = new StringBuilder(text.Length);
        int i = 0;
        while (i < text.Length)
        {
            Rune.DecodeFromUtf16(text.AsSpan(i), out Rune rune, out int consumed);
            if (rune.Value == 0x0130)
            {
                builder.Append("i\u0307");
            }
            else if (rune.Value == 0x03A3)
            {
                builder.Append(IsFinalSigma(text, i) ? '\u03C2' : '\u03C3');
            }
            else if (consumed == 1 && char.IsSurrogate(text[i]))
            {
                builder.Append(text[i]);
            }
            else
            {
                builder.Append(Rune.ToLowerInvariant(rune).ToString());
            }

            i += consumed;
        }

        return builder.ToString();
    }

    // Unicode's Final_Sigma context: a cased letter before (skipping case-ignorables) and none after.
    private static bool IsFinalSigma(string text, int index)
    {
        int j = index;
        Rune before = default;
        bool found = false;
        while (j > 0 && Rune.DecodeLastFromUtf16(text.AsSpan(0, j), out Rune previous, out int width) == System.Buffers.OperationStatus.Done)
        {
            j -= width;
            if (!IsCaseIgnorable(previous))
            {
                before = previous;
                found = true;
                break;
            }
        }

        if (!found || !IsCased(before))
        {
            return false;
        }

        j = index + 1;
        while (j < text.Length && Rune.DecodeFromUtf16(text.AsSpan(j), out Rune next, out int width) == System.Buffers.OperationStatus.Done)
        {
            j += width;
            if (!IsCaseIgnorable(next))
            {
                return !IsCased(next);
            }
        }

        return true;
    }

    // .NET exposes no Cased property; letters with a case pair or a cased category stand in for it.
    private static bool IsCased(Rune rune)
    {
        UnicodeCategory category = Rune.GetUnicodeCategory(rune);
        return category is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            || Rune.ToLowerInvariant(rune) != rune
            || Rune.ToUpperInvariant(rune) != rune;
    }

    // Case_Ignorable: marks, format characters, modifiers, and the word-internal punctuation of UAX #29.
    private static bool IsCaseIgnorable(Rune rune)
    {
        switch (rune.Value)
        {
            case '\'' or '.' or ':' or '\u00B7' or '\u0387' or '\u055F' or '\u05F4' or '\u2018' or '\u2019'
                or '\u2024' or '\u2027' or '\uFE13' or '\uFE52' or '\uFE55' or '\uFF07' or '\uFF0E' or '\uFF1A':
                return true;
        }

        return Rune.GetUnicodeCategory(rune) is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark
            or UnicodeCategory.Format or UnicodeCategory.ModifierLetter or UnicodeCategory.ModifierSymbol;
    }

    /// <summary>
    /// Python's <c>str.upper()</c> for the short strings of HTML entity values. .NET's invariant
    /// upper-casing differs from Python's only on 'ı' and on the one-to-many mappings; those that occur
    /// among entity values are spelled out.
    /// </summary>
    public static string ToUpper(string text)
    {
        var builder = new StringBuilder(text.Length + 2);
        foreach (Rune rune in text.EnumerateRunes())
        {
            string? full = rune.Value switch
            {
                0x00DF => "SS",
                0x0131 => "I",
                0x0149 => "\u02BCN",
                0xFB00 => "FF",
                0xFB01 => "FI",
                0xFB02 => "FL",
                0xFB03 => "FFI",
                0xFB04 => "FFL",
                0xFB05 or 0xFB06 => "ST",
                _ => null,
            };
            builder.Append(full ?? Rune.ToUpperInvariant(rune).ToString());
        }

        return builder.ToString();
    }
}
