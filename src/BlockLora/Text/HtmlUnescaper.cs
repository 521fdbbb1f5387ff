using System.Text.RegularExpressions;

namespace BlockLora.Text;

/// <summary>
/// Python's <c>html.unescape</c>: the HTML5 rules for character references, including numeric
/// references in the Windows-1252 range, legacy names without ';' and the longest-prefix match.
/// </summary>
internal static partial class HtmlUnescaper
{
    [GeneratedRegex(@"&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)", RegexOptions.CultureInvariant)]
    private static partial Regex CharacterReference();

    private static readonly MatchEvaluator s_replace = Replace;

    public static string Unescape(string text) =>
        text.Contains('&') ? CharacterReference().Replace(text, s_replace) : text;

    private static string Replace(Match match)
    {
        string reference = match.Groups[1].Value;
        if (reference[0] == '#')
        {
            return NumericReference(reference);
        }

        var lookup = HtmlEntityTable.SpanLookup;
        if (lookup.TryGetValue(reference, out string? value))
        {
            return value;
        }

        // The standard lets a legacy name run straight into following text ("&notit;" is "¬it;").
        for (int length = reference.Length - 1; length > 1; length--)
        {
            if (lookup.TryGetValue(reference.AsSpan(0, length), out value))
            {
                return value + reference[length..];
            }
        }

        return "&" + reference;
    }

    private static string NumericReference(string reference)
    {
        bool hex = reference[1] is 'x' or 'X';
        ReadOnlySpan<char> digits = reference.AsSpan(hex ? 2 : 1).TrimEnd(';');
        int number = 0;
        foreach (char digit in digits)
        {
            int value = digit <= '9' ? digit - '0' : (digit | 0x20) - 'a' + 10;
            // Anything past U+10FFFF behaves the same, so saturate instead of growing a big integer.
            number = number > 0x10FFFF ? number : (number * (hex ? 16 : 10)) + value;
        }

        if (number == 0x00)
        {
            return "\uFFFD";
        }

        if (number == 0x0D)
        {
            return "\r";
        }

        if (number is >= 0x80 and <= 0x9F)
        {
            return Ftfy.SingleByteEncoding.SloppyWindows1252.Decode((byte)number).ToString();
        }

        if (number is >= 0xD800 and <= 0xDFFF or > 0x10FFFF)
        {
            return "\uFFFD";
        }

        if (IsInvalidCodePoint(number))
        {
            return string.Empty;
        }

        return char.ConvertFromUtf32(number);
    }

    private static bool IsInvalidCodePoint(int number) =>
        number is >= 0x01 and <= 0x08 or 0x0B or >= 0x0E and <= 0x1F or >= 0x7F and <= 0x9F or >= 0xFDD0 and <= 0xFDEF
        || (number & 0xFFFE) == 0xFFFE;
}
