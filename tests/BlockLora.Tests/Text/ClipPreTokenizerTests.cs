using BlockLora.Text;

namespace BlockLora.Tests.Text;

// Expected pieces are what regex.findall gives with CLIP's pattern and IGNORECASE.
public class ClipPreTokenizerTests
{
    [Fact]
    public void Split_separates_contractions()
    {
        Assert.Equal(
            ["don", "'t", "we", "'re", "they", "'ve", "i", "'m", "i", "'ll", "he", "'d", "it", "'s"],
            ClipPreTokenizer.Split("don't we're they've i'm i'll he'd it's"));
    }

    [Fact]
    public void Split_matches_contractions_ignoring_case()
    {
        Assert.Equal(["IT", "'S", "WE", "'RE"], ClipPreTokenizer.Split("IT'S WE'RE"));
    }

    [Fact]
    public void Split_keeps_apostrophes_inside_punctuation_runs()
    {
        Assert.Equal(["ab", "'s", "''", "s", "!'", "s"], ClipPreTokenizer.Split("ab's''s!'s"));
    }

    [Fact]
    public void Split_gives_each_digit_its_own_piece()
    {
        Assert.Equal(["3", ".", "1", "4", "1", "5", "9", "a", "3", "2", "0"], ClipPreTokenizer.Split("3.14159 a320"));
    }

    [Fact]
    public void Split_keeps_surrogate_pairs_whole()
    {
        Assert.Equal(["emoji", "🙂", "and"], ClipPreTokenizer.Split("emoji 🙂 and"));
        Assert.Equal(["hi", "🙂🙂!"], ClipPreTokenizer.Split("hi 🙂🙂!"));
    }

    [Fact]
    public void Split_treats_letters_of_any_script_as_words()
    {
        Assert.Equal(["ας", "σ", "日本語", "ümlauts", ":"], ClipPreTokenizer.Split("ας σ 日本語 ümlauts:"));
    }

    [Fact]
    public void Split_recognises_special_tokens()
    {
        Assert.Equal(["<|startoftext|>", "hello", "<|endoftext|>"], ClipPreTokenizer.Split("<|startoftext|>hello<|endoftext|>"));
    }

    [Fact]
    public void Split_skips_whitespace()
    {
        Assert.Equal(["x", "y"], ClipPreTokenizer.Split("  x \t\n y  "));
        Assert.Empty(ClipPreTokenizer.Split("   "));
    }

    [Fact]
    public void Split_ranges_point_into_the_text()
    {
        var ranges = new List<Range>();

        ClipPreTokenizer.Split("a 🙂!", ranges);

        Assert.Equal([new Range(0, 1), new Range(2, 5)], ranges);
    }
}
