namespace BlockLora.Data;

/// <summary>
/// Draws k images per class from a train split, reproducibly: the same (dataset, k, seed) gives the same
/// files on every machine, in every process, whatever order the split list came in.
/// <para>
/// How: each class's candidates are sorted by ordinal path (then label), and a <see cref="SplitMix64"/>
/// seeded from <see cref="StableHash"/>(dataset, k, seed, label) draws k of them without replacement
/// (a partial Fisher–Yates shuffle). Seeding per class keeps one class's draw independent of the others.
/// A class with n &lt; k images contributes all n once, in shuffled order, then k − n more drawn with
/// replacement (method.md: repetition only when a class is short). Unlike CoOp's
/// <c>random.choices</c>, this never leaves one of the few images out. The picks cannot equal CoOp's own,
/// which come from Python's Mersenne Twister; use <see cref="TwoSfsSplitFile"/> to reproduce a published subset.
/// </para>
/// </summary>
public static class FewShotSampler
{
    private const string Domain = "blora-fewshot-v1";

    public static FewShotSelection Sample(DatasetSplits splits, int shots, int seed)
    {
        ArgumentNullException.ThrowIfNull(splits);
        return Sample(splits.Dataset.Name, splits.Train, splits.ClassNames, shots, seed);
    }

    /// <param name="datasetName">Part of the seed; pass the catalog name (case is ignored).</param>
    /// <param name="classNames">All classes by label; classes without train images are counted as empty.</param>
    public static FewShotSelection Sample(string datasetName, IReadOnlyList<LabeledImage> train, IReadOnlyList<string> classNames, int shots, int seed)
    {
        ArgumentNullException.ThrowIfNull(datasetName);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(classNames);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(shots);

        var byLabel = new SortedDictionary<int, List<LabeledImage>>();
        foreach (LabeledImage item in train)
        {
            if (item.Label < 0 || item.Label >= classNames.Count)
                throw new ArgumentException($"{item.Path}: label {item.Label} is outside 0..{classNames.Count - 1}", nameof(train));
            if (!byLabel.TryGetValue(item.Label, out var list)) byLabel[item.Label] = list = [];
            list.Add(item);
        }

        string key = datasetName.ToLowerInvariant();
        var picked = new List<LabeledImage>(classNames.Count * shots);
        int repeated = 0;
        foreach (var (label, candidates) in byLabel)
        {
            candidates.Sort(CompareCandidates);
            var rng = new SplitMix64(StableHash.Of(Domain, key, shots, seed, label));
            if (candidates.Count < shots) repeated++;
            picked.AddRange(Draw(candidates, shots, rng));
        }
        return new FewShotSelection(datasetName, shots, seed, picked, classNames, repeated, classNames.Count - byLabel.Count);
    }

    private static IEnumerable<LabeledImage> Draw(List<LabeledImage> candidates, int shots, SplitMix64 rng)
    {
        int n = candidates.Count;
        int[] order = Enumerable.Range(0, n).ToArray();
        int distinct = Math.Min(shots, n);
        // Partial Fisher–Yates: positions 0..distinct-1 end up a uniform sample without replacement.
        for (int i = 0; i < distinct; i++)
        {
            int j = i + rng.NextInt(n - i);
            (order[i], order[j]) = (order[j], order[i]);
        }
        for (int i = 0; i < distinct; i++) yield return candidates[order[i]];
        for (int i = distinct; i < shots; i++) yield return candidates[rng.NextInt(n)];
    }

    private static int CompareCandidates(LabeledImage a, LabeledImage b)
    {
        int byPath = string.CompareOrdinal(a.Path, b.Path);
        return byPath != 0 ? byPath : a.Label.CompareTo(b.Label);
    }
}
