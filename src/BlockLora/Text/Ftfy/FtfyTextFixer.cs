using System.Text;

namespace BlockLora.Text.Ftfy;

/// <summary>
/// <c>ftfy.fix_text(text)</c> with ftfy's default settings (ftfy 6.3), the first step of CLIP's text
/// cleaning. It repairs mojibake, decodes HTML entities (unless the text holds a '&lt;', which marks it
/// as real HTML), and normalises quotes, widths, ligatures, line breaks, control characters and
/// composition (NFC). Each line is fixed on its own, and the fixes repeat until nothing changes.
/// </summary>
public static class FtfyTextFixer
{
    // ftfy bounds how much text it fixes in one piece when lines are very long.
    private const int MaxSegmentLength = 1_000_000;

    public static string FixText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var output = new StringBuilder(text.Length);
        bool unescapeHtml = true;
        int position = 0;
        while (position < text.Length)
        {
            int end = text.IndexOf('\n', position) + 1;
            if (end == 0)
            {
                end = text.Length;
            }

            if (end - position > MaxSegmentLength)
            {
                end = position + MaxSegmentLength;
                if (char.IsHighSurrogate(text[end - 1]))
                {
                    end--;
                }
            }

            string segment = text[position..end];

            // Once a '<' has shown the input to be HTML, ftfy keeps entities as they are from then on.
            unescapeHtml &= !segment.Contains('<');
            output.Append(FixSegment(segment, unescapeHtml));
            position = end;
        }

        return output.ToString();
    }

    private static string FixSegment(string text, bool unescapeHtml)
    {
        while (true)
        {
            string original = text;
            if (unescapeHtml)
            {
                text = FtfyHtmlUnescaper.Unescape(text);
            }

            text = EncodingFixer.FixEncoding(text);
            text = CharacterFixes.FixC1Controls(text);
            text = CharacterFixes.FixLatinLigatures(text);
            text = CharacterFixes.FixCharacterWidth(text);
            text = CharacterFixes.UncurlQuotes(text);
            text = CharacterFixes.FixLineBreaks(text);
            text = CharacterFixes.FixSurrogates(text);
            text = CharacterFixes.RemoveTerminalEscapes(text);
            text = CharacterFixes.RemoveControlCharacters(text);
            text = ComposeNfc(text);
            if (text == original)
            {
                return text;
            }
        }
    }

    // .NET refuses to normalise text containing the noncharacter U+FFFE, which Python accepts. It
    // neither decomposes nor combines with its neighbours, so the text around it is composed piecewise.
    private static string ComposeNfc(string text)
    {
        if (!text.Contains('\uFFFE'))
        {
            return text.Normalize(NormalizationForm.FormC);
        }

        string[] pieces = text.Split('\uFFFE');
        for (int i = 0; i < pieces.Length; i++)
        {
            pieces[i] = pieces[i].Normalize(NormalizationForm.FormC);
        }

        return string.Join('\uFFFE', pieces);
    }
}
