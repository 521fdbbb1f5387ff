using BlockLora.Text;

namespace BlockLora.Tests.Text;

// Expected values are what CLIP's basic_clean + whitespace_clean + lower() give with ftfy 6.3.1.
public class ClipTextCleanerTests
{
    [Theory]
    [InlineData("crÃ¨me brÃ»lÃ©e", "crème brûlée")]
    [InlineData("donâ€™t stop", "don't stop")]
    [InlineData("voilÃ le travail", "voilà le travail")]
    [InlineData("sÃ³", "só")]
    [InlineData("He's Justinâ\u009d¤", "he's justin❤")]
    public void Clean_fixes_mojibake(string text, string expected)
    {
        Assert.Equal(expected, ClipTextCleaner.Clean(text));
    }

    [Theory]
    [InlineData("crème brûlée", "crème brûlée")]
    [InlineData("Ärger über Öl", "ärger über öl")]
    [InlineData("naïve café, déjà vu", "naïve café, déjà vu")]
    [InlineData("Русский текст", "русский текст")]
    [InlineData("日本語のテキスト", "日本語のテキスト")]
    public void Clean_leaves_correct_accented_text_alone(string text, string expected)
    {
        Assert.Equal(expected, ClipTextCleaner.Clean(text));
    }

    [Theory]
    [InlineData("emoji 🙂 and 👍🏽")]
    [InlineData("family 👨‍👩‍👧 ❤")]
    public void Clean_keeps_emoji(string text)
    {
        Assert.Equal(text, ClipTextCleaner.Clean(text));
    }

    [Fact]
    public void Clean_uncurls_quotes()
    {
        Assert.Equal(
            "'single' \"double\" 'low' \"low\" 'modifier",
            ClipTextCleaner.Clean("‘single’ “double” ‚low‛ „low‟ ʼmodifier"));
    }

    [Theory]
    [InlineData("ＬＯＵＤ　ＮＯＩＳＥＳ", "loud noises")]
    [InlineData("ﾀｰﾝ", "ターン")]
    [InlineData("１２３！", "123!")]
    public void Clean_normalises_character_width(string text, string expected)
    {
        Assert.Equal(expected, ClipTextCleaner.Clean(text));
    }

    [Fact]
    public void Clean_splits_Latin_ligatures()
    {
        Assert.Equal(
            "fine flow ff ffi ffl ſt st ij ij dž dž dž lj lj lj nj nj nj dz dz dz 'n",
            ClipTextCleaner.Clean("ﬁne ﬂow ﬀ ﬃ ﬄ ﬅ ﬆ Ĳ ĳ Ǆ ǅ ǆ Ǉ ǈ ǉ Ǌ ǋ ǌ Ǳ ǲ ǳ ŉ"));
    }

    [Fact]
    public void Clean_composes_to_NFC()
    {
        string cleaned = ClipTextCleaner.Clean("e\u0301");

        Assert.Equal("\u00E9", cleaned);
    }

    [Theory]
    [InlineData("&amp;amp;", "&")]
    [InlineData("&lt;b&gt;", "<b>")]
    [InlineData("Tom &amp; Jerry", "tom & jerry")]
    [InlineData("P&EACUTE;REZ", "pérez")]
    [InlineData("&#x2019;s", "'s")]
    [InlineData("&#150;", "–")]
    [InlineData("&#x1F642;", "🙂")]
    [InlineData("&#xD800;", "\uFFFD")]
    public void Clean_unescapes_HTML(string text, string expected)
    {
        Assert.Equal(expected, ClipTextCleaner.Clean(text));
    }

    [Theory]
    [InlineData("<b>&amp;amp;</b>", "<b>&</b>")]
    [InlineData("this&not that", "this¬ that")]
    [InlineData("&notit;", "¬it;")]
    public void Clean_unescapes_HTML_twice_even_where_ftfy_does_not(string text, string expected)
    {
        // ftfy keeps entities in text with '<' and leaves informal "&not" alone; CLIP's own two
        // html.unescape passes, with the standard's lenient rules, still decode them.
        Assert.Equal(expected, ClipTextCleaner.Clean(text));
    }

    [Theory]
    [InlineData("  a \t\n b\u3000c  \u00A0", "a b c")]
    [InlineData("a\r\nb\rc\u2028d\u2029e", "a b c d e")]
    [InlineData("itap of a   large    Airbus A320!", "itap of a large airbus a320!")]
    public void Clean_collapses_and_strips_whitespace(string text, string expected)
    {
        Assert.Equal(expected, ClipTextCleaner.Clean(text));
    }

    [Theory]
    [InlineData("ÀB CLIP", "àb clip")]
    [InlineData("ΟΔΟΣ", "οδος")]
    [InlineData("ΑΣ. ΑΣ", "ας. ας")]
    [InlineData("ΣΑ", "σα")]
    [InlineData("İ", "i\u0307")]
    public void Clean_lower_cases_like_Python(string text, string expected)
    {
        // Python's str.lower() gives a word-final capital sigma its final form and maps İ to "i̇".
        Assert.Equal(expected, ClipTextCleaner.Clean(text));
    }

    [Fact]
    public void Clean_removes_terminal_escapes_and_control_characters()
    {
        Assert.Equal("red", ClipTextCleaner.Clean("\u001B[31mred\u001B[0m"));
        Assert.Equal("abcdefg", ClipTextCleaner.Clean("a\u0000b\u0007c\u007Fd\uFEFFe\u206Af\uFFFCg"));
    }

    [Fact]
    public void Clean_reads_C1_controls_as_Windows1252()
    {
        Assert.Equal("price € 5", ClipTextCleaner.Clean("price \u0080 5"));
        Assert.Equal("e…f", ClipTextCleaner.Clean("e\u0085f"));
    }

    [Fact]
    public void Clean_of_empty_text_is_empty()
    {
        Assert.Equal("", ClipTextCleaner.Clean(""));
        Assert.Equal("", ClipTextCleaner.Clean(" \t "));
    }
}
