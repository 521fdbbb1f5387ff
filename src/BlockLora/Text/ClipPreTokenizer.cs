using System.Buffers;
using System.Globalization;
using System.Text;

namespace BlockLora.Text;

/// <summary>
/// The pre-tokeniser of OpenAI's CLIP: the pieces that
/// <c>&lt;\|startoftext\|&gt;|&lt;\|endoftext\|&gt;|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+</c>
/// finds with Python's <c>regex</c> module and IGNORECASE. It is a hand-written scanner over code points
/// rather than a .NET regex because .NET matches UTF-16 units: "[^\s\p{L}\p{N}]+" would see an emoji as
/// two surrogates, where Python sees one character.
/// </summary>
public static class ClipPreTokenizer
{
    public const string StartOfText = "<|startoftext|>";
    public const string EndOfText = "<|endoftext|>";

    private enum CharacterClass
    {
        Letter,
        Number,
        Space,
        Other,
        Unmatched,
    }

    public static IReadOnlyList<string> Split(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ranges = new List<Range>();
        Split(text, ranges);
        var pieces = new string[ranges.Count];
        for (int i = 0; i < pieces.Length; i++)
        {
            pieces[i] = text[ranges[i]];
        }

        return pieces;
    }

    /// <summary>Appends where each piece lies in <paramref name="text"/>, without allocating the pieces.</summary>
    public static void Split(ReadOnlySpan<char> text, List<Range> pieces)
    {
        int i = 0;
        while (i < text.Length)
        {
            int length = MatchAt(text, i, out int skip);
            if (length > 0)
            {
                pieces.Add(new Range(i, i + length));
                i += length;
            }
            else
            {
                i += skip;
            }
        }
    }

    // Returns the length of the piece starting at 'start', or 0 and how far to skip when none does.
    private static int MatchAt(ReadOnlySpan<char> text, int start, out int skip)
    {
        ReadOnlySpan<char> rest = text[start..];
        skip = 0;
        if (rest[0] == '<')
        {
            if (StartsWithIgnoreCase(rest, StartOfText))
            {
                return StartOfText.Length;
            }

            if (StartsWithIgnoreCase(rest, EndOfText))
            {
                return EndOfText.Length;
            }
        }

        if (rest[0] == '\'' && rest.Length > 1)
        {
            int contraction = MatchContraction(rest);
            if (contraction > 0)
            {
                return contraction;
            }
        }

        CharacterClass kind = Classify(rest, out int width);
        switch (kind)
        {
            case CharacterClass.Letter:
            case CharacterClass.Other:
                int length = width;
                while (length < rest.Length && Classify(rest[length..], out int next) == kind)
                {
                    length += next;
                }

                return length;
            case CharacterClass.Number:
                return width;
            default:
                skip = width;
                return 0;
        }
    }

    private static int MatchContraction(ReadOnlySpan<char> rest)
    {
        char first = rest[1];
        char second = rest.Length > 2 ? rest[2] : '\0';
        return char.ToLowerInvariant(first) switch
        {
            // With IGNORECASE, Python's regex also lets the long s 'ſ' match 's'.
            's' or '\u017F' => 2,
            't' or 'm' or 'd' => 2,
            'r' or 'v' when char.ToLowerInvariant(second) == 'e' => 3,
            'l' when char.ToLowerInvariant(second) == 'l' => 3,
            _ => 0,
        };
    }

    private static bool StartsWithIgnoreCase(ReadOnlySpan<char> text, string token)
    {
        if (text.Length < token.Length)
        {
            return false;
        }

        for (int i = 0; i < token.Length; i++)
        {
            char c = text[i];
            bool same = char.ToLowerInvariant(c) == token[i] || (c == '\u017F' && token[i] == 's');
            if (!same || (c > '\u007F' && c != '\u017F'))
            {
                return false;
            }
        }

        return true;
    }

    private static CharacterClass Classify(ReadOnlySpan<char> text, out int width)
    {
        if (Rune.DecodeFromUtf16(text, out Rune rune, out width) != OperationStatus.Done)
        {
            return CharacterClass.Other;
        }

        if (rune.IsBmp && PythonText.IsRegexSpace((char)rune.Value))
        {
            return CharacterClass.Space;
        }

        // U+0345 case-folds to the letter ι, so under IGNORECASE the negated class [^\s\p{L}\p{N}]
        // rejects it, while [\p{L}] does not take it either: Python's pattern matches it nowhere.
        if (rune.Value == 0x0345)
        {
            return CharacterClass.Unmatched;
        }

        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => CharacterClass.Letter,
            UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => CharacterClass.Number,
            _ => CharacterClass.Other,
        };
    }
}
