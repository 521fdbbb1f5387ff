using BlockLora.Text.Ftfy;

namespace BlockLora.Tests.Text;

// Expected values are ftfy.fix_text's output (ftfy 6.3.1, default settings).
public class FtfyTextFixerTests
{
    [Theory]
    [InlineData("crÃ¨me", "crème")]
    [InlineData("â€™", "'")]
    [InlineData("Ã la mode", "à la mode")]
    [InlineData("schÃ¶n", "schön")]
    [InlineData("âœ” No problems", "✔ No problems")]
    [InlineData("Ã¢â‚¬â„¢", "'")]
    public void FixText_fixes_mojibake(string text, string expected)
    {
        Assert.Equal(expected, FtfyTextFixer.FixText(text));
    }

    [Fact]
    public void FixText_fixes_mojibake_that_lost_bytes_to_replacement_characters()
    {
        Assert.Equal("\" like this \uFFFD", FtfyTextFixer.FixText("â€œ like this â€\uFFFD"));
    }

    [Theory]
    [InlineData("crème brûlée")]
    [InlineData("Ärger über Öl")]
    [InlineData("emoji 🙂 and ümlauts: Ärger über Öl")]
    [InlineData("Ångström, ½ cup, 25°C, £5, ©2024")]
    [InlineData("ΣΊΣΥΦΟΣ")]
    public void FixText_leaves_correct_text_alone(string text)
    {
        Assert.Equal(text, FtfyTextFixer.FixText(text));
    }

    [Fact]
    public void FixText_unescapes_HTML_unless_the_text_looks_like_HTML()
    {
        Assert.Equal("a < b", FtfyTextFixer.FixText("a &lt; b"));
        Assert.Equal("<p>&amp;</p>", FtfyTextFixer.FixText("<p>&amp;</p>"));
        Assert.Equal("this&not that", FtfyTextFixer.FixText("this&not that"));
    }

    [Fact]
    public void FixText_stops_unescaping_for_the_rest_of_the_text_after_a_less_than_sign()
    {
        // Lines are fixed one by one; the first line is unescaped, the ones from the '<' on are not.
        Assert.Equal("x <\ny <\nz &amp;", FtfyTextFixer.FixText("x &lt;\ny <\nz &amp;"));
    }

    [Fact]
    public void FixText_normalises_line_breaks()
    {
        Assert.Equal("a\nb\nc\nd\ne", FtfyTextFixer.FixText("a\r\nb\rc\u2028d\u2029e"));
    }

    [Fact]
    public void FixText_keeps_ftfys_treatment_of_a_Java_null_before_a_final_newline()
    {
        // ftfy's "utf-8-variants" decoder reads C0 0A at the very end as a Java-style NUL, which is
        // then removed as a control character; matching CLIP means matching that too.
        Assert.Equal("café ", FtfyTextFixer.FixText("caf\u00C3\u00A9 \u00C0\n"));
    }

    [Fact]
    public void FixText_composes_around_noncharacters_that_dotnet_will_not_normalise()
    {
        Assert.Equal("\u00E9\uFFFE\u00E8", FtfyTextFixer.FixText("e\u0301\uFFFEe\u0300"));
    }
}
