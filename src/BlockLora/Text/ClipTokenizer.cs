namespace BlockLora.Text;

/// <summary>
/// OpenAI CLIP's text tokenizer (<c>clip.tokenize</c> and <c>SimpleTokenizer</c>):
/// <see cref="ClipTextCleaner"/>, then <see cref="ClipPreTokenizer"/>, then <see cref="BytePairEncoding"/>.
/// Thread-safe.
/// </summary>
public sealed class ClipTokenizer
{
    public const int DefaultContextLength = 77;

    private const string EmbeddedVocabulary = "BlockLora.Text.bpe_simple_vocab_16e6.txt.gz";

    private static readonly Lazy<ClipTokenizer> s_default = new(LoadEmbedded, LazyThreadSafetyMode.ExecutionAndPublication);

    public ClipTokenizer(BytePairEncoding model)
    {
        Model = model ?? throw new ArgumentNullException(nameof(model));
    }

    /// <summary>The tokenizer over CLIP's own vocabulary, embedded in this assembly; loaded on first use.</summary>
    public static ClipTokenizer Default => s_default.Value;

    public BytePairEncoding Model { get; }

    public int VocabularySize => Model.VocabularySize;

    public int StartOfTextId => Model.StartOfTextId;

    public int EndOfTextId => Model.EndOfTextId;

    /// <summary>Loads a vocabulary in CLIP's format, such as <c>bpe_simple_vocab_16e6.txt.gz</c>.</summary>
    public static ClipTokenizer FromFile(string vocabularyGzipPath) =>
        new(BytePairEncoding.FromGzipFile(vocabularyGzipPath));

    /// <summary>The token ids of the cleaned text, without start and end tokens.</summary>
    public int[] Encode(string text)
    {
        string cleaned = ClipTextCleaner.Clean(text);
        var pieces = new List<Range>();
        ClipPreTokenizer.Split(cleaned, pieces);
        var ids = new List<int>(pieces.Count + 4);
        foreach (Range piece in pieces)
        {
            Model.Encode(cleaned.AsSpan()[piece], ids);
        }

        return [.. ids];
    }

    /// <summary>
    /// <c>clip.tokenize</c>: one row per text, holding the start token, the text's ids and the end
    /// token, padded with zeros. A text that does not fit is cut to <paramref name="contextLength"/>
    /// tokens with the end token kept as the last one, or rejected when <paramref name="truncate"/> is false.
    /// </summary>
    public long[,] Tokenize(IReadOnlyList<string> texts, int contextLength = DefaultContextLength, bool truncate = true)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentOutOfRangeException.ThrowIfLessThan(contextLength, 1);
        var result = new long[texts.Count, contextLength];
        for (int row = 0; row < texts.Count; row++)
        {
            int[] ids = Encode(texts[row]);
            int length = ids.Length + 2;
            if (length > contextLength && !truncate)
            {
                throw new ArgumentException(
                    $"Input {texts[row]} is too long for context length {contextLength}.", nameof(texts));
            }

            result[row, 0] = StartOfTextId;
            int copied = Math.Min(ids.Length, contextLength - 1);
            for (int i = 0; i < copied; i++)
            {
                result[row, i + 1] = ids[i];
            }

            result[row, Math.Min(length, contextLength) - 1] = EndOfTextId;
        }

        return result;
    }

    /// <summary>One text's row of <see cref="Tokenize(IReadOnlyList{string}, int, bool)"/>.</summary>
    public long[] Tokenize(string text, int contextLength = DefaultContextLength, bool truncate = true)
    {
        long[,] rows = Tokenize([text], contextLength, truncate);
        var row = new long[contextLength];
        for (int i = 0; i < contextLength; i++)
        {
            row[i] = rows[0, i];
        }

        return row;
    }

    /// <summary>CLIP's <c>decode</c>: every id, special and padding ids included, back to text; "&lt;/w&gt;" becomes a space.</summary>
    public string Decode(IEnumerable<int> ids) => Model.Decode(ids);

    private static ClipTokenizer LoadEmbedded()
    {
        using Stream stream = typeof(ClipTokenizer).Assembly.GetManifestResourceStream(EmbeddedVocabulary)
            ?? throw new InvalidOperationException($"Embedded resource {EmbeddedVocabulary} is missing.");
        return new ClipTokenizer(BytePairEncoding.FromGzipStream(stream));
    }
}
