using System.Collections.Concurrent;
using System.IO.Compression;
using System.Text;

namespace BlockLora.Text;

/// <summary>
/// The model of OpenAI's CLIP tokenizer: byte-level BPE over a vocabulary built exactly as CLIP's
/// <c>SimpleTokenizer</c> builds it from <c>bpe_simple_vocab_16e6.txt.gz</c>: the 256 byte characters,
/// the same with "&lt;/w&gt;" (end of word) appended, one token per merge in merge order, then
/// "&lt;|startoftext|&gt;" and "&lt;|endoftext|&gt;". Results per pre-token are cached; the class is
/// safe to use from several threads.
/// </summary>
public sealed class BytePairEncoding
{
    /// <summary>How many merges CLIP reads from the file: <c>merges[1:49152-256-2+1]</c>.</summary>
    public const int MergeCount = 49152 - 256 - 2;

    public const string EndOfWord = "</w>";

    // Enough for any realistic caption vocabulary; beyond it new words are encoded without caching so
    // that memory stays bounded on open-ended input.
    private const int CacheCapacity = 1 << 19;

    private readonly string[] _tokens;
    private readonly Dictionary<string, int> _ids;
    private readonly Dictionary<long, (int Rank, int Merged)> _merges;
    private readonly ConcurrentDictionary<string, int[]> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _cacheBySpan;
    private int _cacheCount;

    private BytePairEncoding(IReadOnlyList<string[]> merges)
    {
        var tokens = new List<string>(512 + merges.Count + 2);
        tokens.AddRange(ByteLevelAlphabet.Characters.Select(c => c.ToString()));
        tokens.AddRange(ByteLevelAlphabet.Characters.Select(c => c + EndOfWord));
        tokens.AddRange(merges.Select(parts => string.Concat(parts)));
        tokens.Add(ClipPreTokenizer.StartOfText);
        tokens.Add(ClipPreTokenizer.EndOfText);
        _tokens = [.. tokens];

        // As in Python's dict(zip(vocab, range(len(vocab)))), a repeated token keeps its last id.
        _ids = new Dictionary<string, int>(_tokens.Length, StringComparer.Ordinal);
        for (int id = 0; id < _tokens.Length; id++)
        {
            _ids[_tokens[id]] = id;
        }

        // Every symbol BPE ever holds is a vocabulary entry, so merges can work on ids instead of strings.
        _merges = new Dictionary<long, (int, int)>(merges.Count);
        for (int rank = 0; rank < merges.Count; rank++)
        {
            // A line that is not a pair still takes a vocabulary slot in CLIP, but can never merge.
            if (merges[rank] is [string first, string second]
                && _ids.TryGetValue(first, out int a) && _ids.TryGetValue(second, out int b))
            {
                _merges[PairKey(a, b)] = (rank, _ids[first + second]);
            }
        }

        StartOfTextId = _ids[ClipPreTokenizer.StartOfText];
        EndOfTextId = _ids[ClipPreTokenizer.EndOfText];
        _cacheBySpan = _cache.GetAlternateLookup<ReadOnlySpan<char>>();
        _cache[ClipPreTokenizer.StartOfText] = [StartOfTextId];
        _cache[ClipPreTokenizer.EndOfText] = [EndOfTextId];
    }

    public int VocabularySize => _tokens.Length;

    public int StartOfTextId { get; }

    public int EndOfTextId { get; }

    /// <summary>Reads a gzip-compressed merges file such as <c>bpe_simple_vocab_16e6.txt.gz</c>.</summary>
    public static BytePairEncoding FromGzipFile(string path)
    {
        using FileStream file = File.OpenRead(path);
        return FromGzipStream(file);
    }

    public static BytePairEncoding FromGzipStream(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var gzip = new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true);
        using var reader = new StreamReader(gzip, new UTF8Encoding(false, throwOnInvalidBytes: true));
        return FromMergesText(reader.ReadToEnd());
    }

    /// <summary>
    /// Builds from the text of a merges file: a header line, then one "first second" pair per line, of
    /// which at most <see cref="MergeCount"/> are read.
    /// </summary>
    public static BytePairEncoding FromMergesText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] lines = text.Split('\n');
        int count = Math.Clamp(lines.Length - 1, 0, MergeCount);
        var merges = new string[count][];
        for (int i = 0; i < count; i++)
        {
            merges[i] = lines[i + 1].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        }

        return new BytePairEncoding(merges);
    }

    public bool TryGetId(string token, out int id) => _ids.TryGetValue(token, out id);

    public string GetToken(int id)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(id, _tokens.Length);
        return _tokens[id];
    }

    /// <summary>The token ids of one pre-token (a piece from <see cref="ClipPreTokenizer"/>).</summary>
    public int[] Encode(string preToken)
    {
        ArgumentNullException.ThrowIfNull(preToken);
        var ids = new List<int>();
        Encode(preToken, ids);
        return [.. ids];
    }

    /// <summary>Appends the token ids of one pre-token to <paramref name="ids"/>.</summary>
    public void Encode(ReadOnlySpan<char> preToken, List<int> ids)
    {
        if (preToken.IsEmpty)
        {
            return;
        }

        if (!_cacheBySpan.TryGetValue(preToken, out int[]? cached))
        {
            cached = Merge(preToken);
            if (Interlocked.Increment(ref _cacheCount) <= CacheCapacity)
            {
                _cacheBySpan.TryAdd(preToken, cached);
            }
        }

        ids.AddRange(cached);
    }

    /// <summary>
    /// CLIP's <c>decode</c>: concatenates the tokens, maps their characters back to bytes, decodes
    /// UTF-8 (invalid bytes become U+FFFD) and turns each "&lt;/w&gt;" into a space.
    /// </summary>
    public string Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var bytes = new List<byte>();
        foreach (int id in ids)
        {
            foreach (char c in GetToken(id))
            {
                bytes.Add(ByteLevelAlphabet.GetByte(c));
            }
        }

        return Encoding.UTF8.GetString([.. bytes]).Replace(EndOfWord, " ", StringComparison.Ordinal);
    }

    private int[] Merge(ReadOnlySpan<char> preToken)
    {
        int byteCount = Encoding.UTF8.GetByteCount(preToken);
        Span<byte> utf8 = byteCount <= 256 ? stackalloc byte[byteCount] : new byte[byteCount];
        Encoding.UTF8.GetBytes(preToken, utf8);

        var word = new List<int>(byteCount);
        foreach (byte b in utf8)
        {
            word.Add(ByteLevelAlphabet.ByteToIndex[b]);
        }

        // The last symbol carries the end-of-word mark; those ids follow the 256 plain byte ids.
        word[^1] += 256;

        while (word.Count > 1)
        {
            int bestRank = int.MaxValue;
            int first = -1;
            int second = -1;
            int merged = -1;
            for (int i = 0; i + 1 < word.Count; i++)
            {
                if (_merges.TryGetValue(PairKey(word[i], word[i + 1]), out var merge) && merge.Rank < bestRank)
                {
                    (bestRank, first, second, merged) = (merge.Rank, word[i], word[i + 1], merge.Merged);
                }
            }

            if (first < 0)
            {
                break;
            }

            // Every non-overlapping occurrence of the best pair is merged, scanning left to right.
            var next = new List<int>(word.Count);
            for (int i = 0; i < word.Count; i++)
            {
                if (word[i] == first && i + 1 < word.Count && word[i + 1] == second)
                {
                    next.Add(merged);
                    i++;
                }
                else
                {
                    next.Add(word[i]);
                }
            }

            word = next;
        }

        return [.. word];
    }

    private static long PairKey(int first, int second) => ((long)first << 32) | (uint)second;
}
