using System.Text.Json;
using BlockLora.Text;

namespace BlockLora.Tests.Text;

public class ClipTokenizerTests
{
    private static readonly string FixtureDirectory = Path.Combine(AppContext.BaseDirectory, "fixtures", "clip-tiny");

    private static ClipTokenizer Tokenizer => ClipTokenizer.Default;

    public static TheoryData<int> FixtureCases()
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < ReadFixture().Texts.Length; i++)
        {
            data.Add(i);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(FixtureCases))]
    public void Tokenize_matches_OpenAI_CLIP_exactly(int index)
    {
        Fixture fixture = ReadFixture();

        long[] row = Tokenizer.Tokenize(fixture.Texts[index]);

        Assert.Equal(fixture.Tokens[index], row);
    }

    [Fact]
    public void Tokenize_batch_matches_fixture_row_by_row()
    {
        Fixture fixture = ReadFixture();

        long[,] rows = Tokenizer.Tokenize(fixture.Texts);

        Assert.Equal(fixture.Texts.Length, rows.GetLength(0));
        Assert.Equal(77, rows.GetLength(1));
        for (int r = 0; r < fixture.Texts.Length; r++)
        {
            for (int c = 0; c < 77; c++)
            {
                Assert.Equal(fixture.Tokens[r][c], rows[r, c]);
            }
        }
    }

    [Fact]
    public void Vocabulary_has_CLIP_size_and_special_ids()
    {
        Assert.Equal(49408, Tokenizer.VocabularySize);
        Assert.Equal(49406, Tokenizer.StartOfTextId);
        Assert.Equal(49407, Tokenizer.EndOfTextId);
    }

    [Fact]
    public void Encode_gives_ids_without_start_and_end()
    {
        // From the fixture: "a photo of a dog." is [49406, 320, 1125, 539, 320, 1929, 269, 49407].
        Assert.Equal([320, 1125, 539, 320, 1929, 269], Tokenizer.Encode("a photo of a dog."));
    }

    [Theory]
    [InlineData("A  PHOTO of a Dog.")]
    [InlineData("  a photo\tof\na DOG.  ")]
    [InlineData("a\u3000photo of a dog.")]
    [InlineData("ａ ｐｈｏｔｏ ｏｆ ａ ｄｏｇ．")]
    public void Encode_cleans_case_whitespace_and_width_like_CLIP(string text)
    {
        Assert.Equal(Tokenizer.Encode("a photo of a dog."), Tokenizer.Encode(text));
    }

    [Fact]
    public void Encode_splits_digits_and_contractions_as_in_fixture()
    {
        // Fixture: "Tom &amp; Jerry don't like 3.14159 pies (42)".
        Assert.Equal([847, 713], Tokenizer.Encode("don't"));
        Assert.Equal([274, 269, 272, 275, 272, 276, 280], Tokenizer.Encode("3.14159"));
        Assert.Equal([263, 275, 273, 264], Tokenizer.Encode("(42)"));

        // Fixture: "A DIAGRAM of CLIP's contrastive pre-training".
        Assert.Equal([9289, 568], Tokenizer.Encode("CLIP's"));
    }

    [Fact]
    public void Encode_unescapes_HTML_twice()
    {
        int[] expected = [2435, 261, 9164];
        Assert.Equal(expected, Tokenizer.Encode("Tom &amp; Jerry"));
        Assert.Equal(expected, Tokenizer.Encode("Tom &amp;amp; Jerry"));
        Assert.Equal(expected, Tokenizer.Encode("Tom & Jerry"));
    }

    [Fact]
    public void Encode_keeps_an_emoji_as_one_token()
    {
        // Fixture: "emoji 🙂 and ümlauts: ..." gives 16327, 14860, 537 for its first three words.
        Assert.Equal([16327, 14860, 537], Tokenizer.Encode("emoji 🙂 and"));
        Assert.Equal([14860], Tokenizer.Encode("🙂"));
    }

    [Fact]
    public void Encode_fixes_mojibake_to_the_same_ids_as_clean_text()
    {
        Assert.Equal(Tokenizer.Encode("crème brûlée"), Tokenizer.Encode("crÃ¨me brÃ»lÃ©e"));
        Assert.Equal(Tokenizer.Encode("don't stop"), Tokenizer.Encode("donâ€™t stop"));
    }

    [Fact]
    public void Encode_recognises_special_tokens_in_text()
    {
        Assert.Equal([49406, 1929, 49407], Tokenizer.Encode("<|startoftext|>dog<|endoftext|>"));
    }

    [Fact]
    public void Encode_empty_or_blank_text_gives_no_ids()
    {
        Assert.Empty(Tokenizer.Encode(""));
        Assert.Empty(Tokenizer.Encode(" \t\n "));
    }

    [Fact]
    public void Tokenize_pads_with_zeros_after_end_token()
    {
        long[] row = Tokenizer.Tokenize("a photo of a dog.");

        Assert.Equal(77, row.Length);
        Assert.Equal([49406, 320, 1125, 539, 320, 1929, 269, 49407], row[..8]);
        Assert.All(row[8..], id => Assert.Equal(0, id));
    }

    [Fact]
    public void Tokenize_truncates_long_text_keeping_end_token_last()
    {
        string text = string.Concat(Enumerable.Repeat("the quick brown fox jumps over the lazy dog ", 20));

        long[] row = Tokenizer.Tokenize(text);

        Assert.Equal(77, row.Length);
        Assert.Equal(49406, row[0]);
        Assert.Equal(49407, row[76]);
        Assert.DoesNotContain(0L, row);
        int[] ids = Tokenizer.Encode(text);
        Assert.Equal(ids[..75].Select(id => (long)id), row[1..76]);
    }

    [Fact]
    public void Tokenize_without_truncation_rejects_long_text()
    {
        string text = string.Concat(Enumerable.Repeat("dog ", 100));

        Assert.Throws<ArgumentException>(() => Tokenizer.Tokenize([text], truncate: false));
    }

    [Fact]
    public void Tokenize_exact_fit_is_not_truncated()
    {
        // 75 words of one token each, plus start and end, fill 77 exactly.
        string text = string.Join(' ', Enumerable.Repeat("dog", 75));

        long[] row = Tokenizer.Tokenize(text, truncate: false);

        Assert.Equal(49407, row[76]);
        Assert.All(row[1..76], id => Assert.Equal(1929, id));
    }

    [Fact]
    public void Tokenize_honours_other_context_lengths()
    {
        Assert.Equal([49406, 320, 1125, 49407], Tokenizer.Tokenize("a photo of a dog.", contextLength: 4));
        Assert.Equal([49406, 320, 1125, 539, 320, 1929, 269, 49407, 0, 0], Tokenizer.Tokenize("a photo of a dog.", contextLength: 10));
    }

    [Fact]
    public void Tokenize_empty_batch_gives_no_rows()
    {
        Assert.Equal(0, Tokenizer.Tokenize(Array.Empty<string>()).GetLength(0));
    }

    [Theory]
    [InlineData("a photo of a dog")]
    [InlineData("A Centered Satellite Photo of Annual Crop Land")]
    [InlineData("the quick brown fox jumps over the lazy dog")]
    public void Decode_restores_cleaned_plain_sentences(string text)
    {
        // CLIP's decode turns every end-of-word mark into a space, so a trailing space is expected.
        Assert.Equal(text.ToLowerInvariant() + " ", Tokenizer.Decode(Tokenizer.Encode(text)));
    }

    [Fact]
    public void Decode_keeps_special_tokens_and_non_ASCII_text()
    {
        Assert.Equal("<|startoftext|>crème 🙂 <|endoftext|>", Tokenizer.Decode([49406, .. Tokenizer.Encode("crème 🙂"), 49407]));
    }

    [Fact]
    public void Decode_rejects_unknown_ids()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Tokenizer.Decode([49408]));
    }

    [Fact]
    public void Default_is_one_shared_instance()
    {
        Assert.Same(ClipTokenizer.Default, ClipTokenizer.Default);
    }

    [Fact]
    public void FromFile_reads_the_same_vocabulary_as_the_embedded_one()
    {
        string path = Path.Combine(Path.GetTempPath(), $"clip-vocab-{Guid.NewGuid():N}.txt.gz");
        try
        {
            using (Stream resource = OpenEmbeddedVocabulary())
            using (FileStream file = File.Create(path))
            {
                resource.CopyTo(file);
            }

            ClipTokenizer fromFile = ClipTokenizer.FromFile(path);

            Assert.NotSame(ClipTokenizer.Default, fromFile);
            Assert.Equal(49408, fromFile.VocabularySize);
            Fixture fixture = ReadFixture();
            Assert.Equal(fixture.Tokens[4], fromFile.Tokenize(fixture.Texts[4]));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Encode_is_thread_safe()
    {
        // A fresh instance, so that every thread starts with an empty cache and races to fill it.
        using Stream resource = OpenEmbeddedVocabulary();
        var tokenizer = new ClipTokenizer(BytePairEncoding.FromGzipStream(resource));
        string[] texts = [.. Enumerable.Range(0, 400).Select(i => $"photo number {i} of a wördy thing-{i % 17} 🙂 it's")];
        int[][] expected = [.. texts.Select(ClipTokenizer.Default.Encode)];

        var actual = new int[texts.Length][];
        Parallel.For(0, texts.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => actual[i] = tokenizer.Encode(texts[i]));

        Assert.Equal(expected, actual);
    }

    private static Stream OpenEmbeddedVocabulary() =>
        typeof(ClipTokenizer).Assembly.GetManifestResourceStream("BlockLora.Text.bpe_simple_vocab_16e6.txt.gz")!;

    private static Fixture ReadFixture()
    {
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(FixtureDirectory, "cases.json")));
        string[] texts = [.. json.RootElement.GetProperty("texts").EnumerateArray().Select(t => t.GetString()!)];
        long[][] tokens = [.. json.RootElement.GetProperty("tokens").EnumerateArray().Select(row => row.EnumerateArray().Select(t => t.GetInt64()).ToArray())];
        return new Fixture(texts, tokens);
    }

    private sealed record Fixture(string[] Texts, long[][] Tokens);
}
