using BlockLora.Text;

namespace BlockLora.Tests.Text;

// Expected pieces are what regex.findall gives with CLIP's pattern and IGNORECASE.
public class ClipPreTokenizerTests
{
    [Fact]
    public void Split_SeparatesContractions()
    {
        Assert.Equal(
            ["don", "'t", "we", "'re", "they", "'ve", "i", "'m", "i", "'ll", "he", "'d", "it", "'s"],
            ClipPreTokenizer.Split("don't we're they've i'm i'll he'd it's"));
    }

    [Fact]
    public void Split_MatchesContractionsIgnoringCase()
    {
        Assert.Equal(["IT", "'S", "WE", "'RE"], ClipPreTokenizer.Split("IT'S WE'RE"));
    }

    [Fact]
    public void Split_KeepsApostrophesInsidePunctuationRuns()
    {
        Assert.Equal(["ab", "'s", "''", "s", "!'", "s"], ClipPreTokenizer.Split("ab's''s!'s"));
    }

    [Fact]
    public void Split_GivesEachDigitItsOwnPiece()
    {
        Assert.Equal(["3", ".", "1", "4", "1", "5", "9", "a", "3", "2", "0"], ClipPreTokenizer.Split("3.14159 a320"));
    }

    [Fact]
    public void Split_KeepsSurrogatePairsWhole()
    {
        Assert.Equal(["emoji", "🙂", "and"], ClipPreTokenizer.Split("emoji 🙂 and"));
        Assert.Equal(["hi", "🙂🙂!"], ClipPreTokenizer.Split("hi 🙂🙂!"));
    }

    [Fact]
    public void Split_TreatsLettersOfAnyScriptAsWords()
    {
        Assert.Equal(["ας", "σ", "日本語", "ümlauts", ":"], ClipPreTokenizer.Split("ας σ 日本語 ümlauts:"));
    }

    [Fact]
    public void Split_RecognisesSpecialTokens()
    {
        Assert.Equal(["<|startoftext|>", "hello", "<|endoftext|>"], ClipPreTokenizer.Split("<|startoftext|>hello<|endoftext|>"));
    }

    [Fact]
    public void Split_SkipsWhitespace()
    {
        Assert.Equal(["x", "y"], ClipPreTokenizer.Split("  x \t\n y  "));
        Assert.Empty(ClipPreTokenizer.Split("   "));
    }

    [Fact]
    public void Split_RangesPointIntoTheText()
    {
        var ranges = new List<Range>();

        ClipPreTokenizer.Split("a 🙂!", ranges);

        Assert.Equal([new Range(0, 1), new Range(2, 5)], ranges);
    }
}
