using BlockLora.Text.Ftfy;

namespace BlockLora.Text;

/// <summary>
/// The normaliser of OpenAI's CLIP tokenizer: <c>ftfy.fix_text</c>, <c>html.unescape</c> twice,
/// strip, collapse every run of whitespace to one space, then lower-case; all with Python's notion of
/// whitespace and of lower case, so the cleaned text is what CLIP's <c>SimpleTokenizer</c> sees.
/// </summary>
public static class ClipTextCleaner
{
    public static string Clean(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = FtfyTextFixer.FixText(text);

        // CLIP unescapes again after ftfy: ftfy leaves entities alone in text containing '<', and
        // doubly escaped text ("&amp;amp;") needs a second pass.
        text = HtmlUnescaper.Unescape(HtmlUnescaper.Unescape(text));
        text = PythonText.Strip(text);
        text = PythonText.Strip(PythonText.CollapseWhitespace(text));
        return PythonText.ToLower(text);
    }
}
