using System.Text.RegularExpressions;

namespace BlockLora.Text.Ftfy;

/// <summary>
/// ftfy's cautious HTML unescaping: only complete references ending in ';' are decoded, so informal
/// text such as "this&amp;not that" keeps its "&amp;not". Upper-cased names ("&amp;EACUTE;" from a
/// shouting database) are decoded too when the upper-case form is not itself a different entity.
/// </summary>
internal static partial class FtfyHtmlUnescaper
{
    [GeneratedRegex("&#?[0-9A-Za-z]{1,24};", RegexOptions.CultureInvariant)]
    private static partial Regex Entity();

    private static readonly Lazy<Dictionary<string, string>> s_entities = new(Build, LazyThreadSafetyMode.ExecutionAndPublication);

    private static readonly MatchEvaluator s_replace = Replace;

    public static string Unescape(string text) =>
        text.Contains('&') ? Entity().Replace(text, s_replace) : text;

    private static string Replace(Match match)
    {
        string reference = match.Value;
        if (s_entities.Value.TryGetValue(reference, out string? value))
        {
            return value;
        }

        if (reference.StartsWith("&#", StringComparison.Ordinal))
        {
            // A numeric reference counts only when the whole of it, ';' included, was consumed.
            string unescaped = HtmlUnescaper.Unescape(reference);
            return unescaped.Contains(';') ? reference : unescaped;
        }

        return reference;
    }

    private static Dictionary<string, string> Build()
    {
        var entities = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach ((string name, string value) in HtmlEntityTable.Entities)
        {
            if (!name.EndsWith(';'))
            {
                continue;
            }

            entities["&" + name] = value;
        }

        foreach ((string name, string value) in HtmlEntityTable.Entities)
        {
            if (!name.EndsWith(';') || name != name.ToLowerInvariant())
            {
                continue;
            }

            string upper = "&" + name.ToUpperInvariant();
            if (HtmlUnescaper.Unescape(upper) == upper)
            {
                entities[upper] = PythonText.ToUpper(value);
            }
        }

        return entities;
    }
}
