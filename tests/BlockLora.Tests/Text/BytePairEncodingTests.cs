using System.Text;
using BlockLora.Text;

namespace BlockLora.Tests.Text;

public class BytePairEncodingTests
{
    private static BytePairEncoding Clip => ClipTokenizer.Default.Model;

    [Fact]
    public void Vocabulary_is_laid_out_as_CLIP_builds_it()
    {
        Assert.Equal(49408, Clip.VocabularySize);

        // Printable bytes first, in byte order ('!' is 0, 'a' is 64), then the end-of-word copies.
        Assert.Equal("!", Clip.GetToken(0));
        Assert.Equal("a", Clip.GetToken(64));
        Assert.Equal("a</w>", Clip.GetToken(320));

        // The 68 other bytes come after the 188 printable ones; the space byte stands as 'Ġ'.
        Assert.Equal("\u0120", Clip.GetToken(188 + 32));
        Assert.Equal(512 + BytePairEncoding.MergeCount, Clip.StartOfTextId);
        Assert.Equal("<|startoftext|>", Clip.GetToken(49406));
        Assert.Equal("<|endoftext|>", Clip.GetToken(49407));
    }

    [Fact]
    public void TryGetId_finds_tokens()
    {
        Assert.True(Clip.TryGetId("dog</w>", out int dog));
        Assert.Equal(1929, dog);
        Assert.False(Clip.TryGetId("no such token", out _));
    }

    [Fact]
    public void Encode_encodes_one_pre_token()
    {
        Assert.Equal([1929], Clip.Encode("dog"));
        Assert.Equal([14860], Clip.Encode("🙂"));
        Assert.Equal([320], Clip.Encode("a"));
    }

    [Fact]
    public void Encode_merges_by_rank_then_left_to_right()
    {
        // A header line, then merges in rank order.
        BytePairEncoding bpe = BytePairEncoding.FromMergesText("#version: test\na b\nab c</w>\na a");
        int ab = 512;
        int abcEnd = 513;
        int aa = 514;
        int aEnd = 64 + 256;

        Assert.Equal(512 + 3 + 2, bpe.VocabularySize);
        Assert.Equal("ab", bpe.GetToken(ab));
        Assert.Equal([abcEnd], bpe.Encode("abc"));
        Assert.Equal([aa, aEnd], bpe.Encode("aaa"));
        // The last 'a' carries the end-of-word mark, so it is not the 'a' that "a a" merges.
        Assert.Equal([aa, 64, aEnd], bpe.Encode("aaaa"));
    }

    [Fact]
    public void Encode_of_one_byte_is_its_end_of_word_token()
    {
        BytePairEncoding bpe = BytePairEncoding.FromMergesText("#version: test");

        Assert.Equal([64 + 256], bpe.Encode("a"));
        Assert.Equal([64, 65, 66 + 256], bpe.Encode("abc"));
    }

    [Fact]
    public void Decode_turns_end_of_word_into_space_and_bad_UTF8_into_replacement()
    {
        Assert.Equal("a photo ", Clip.Decode([320, 1125]));

        // 'Ã' alone is byte C3, the start of a two-byte sequence that never completes.
        int c3 = Clip.TryGetId("\u00C3", out int id) ? id : -1;
        Assert.Equal("\uFFFDa ", Clip.Decode([c3, 320]));
    }

    [Fact]
    public void Decode_round_trips_UTF8_of_any_script()
    {
        foreach (string word in new[] { "crème", "日本語", "ας", "🙂🙂!" })
        {
            Assert.Equal(word + " ", Clip.Decode(Clip.Encode(word)));
            Assert.Equal(Encoding.UTF8.GetBytes(word + " "), Encoding.UTF8.GetBytes(Clip.Decode(Clip.Encode(word))));
        }
    }
}
