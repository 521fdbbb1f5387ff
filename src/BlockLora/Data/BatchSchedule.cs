namespace BlockLora.Data;

/// <summary>
/// Which items go into which batch, and the seed of every item's augmentation: a pure function of the
/// item count, the options and the batch index, so a loader's output never depends on thread count or
/// timing, and a resumed run can start at any batch without replaying the earlier ones.
/// </summary>
internal sealed class BatchSchedule
{
    private const string ShuffleDomain = "blora-loader-shuffle-v1";
    private const string ItemDomain = "blora-loader-item-v1";

    private readonly int _count;
    private readonly LoaderOptions _options;

    public BatchSchedule(int count, LoaderOptions options)
    {
        _count = count;
        _options = options;
        int full = count / options.BatchSize;
        bool partial = count % options.BatchSize != 0;
        BatchesPerEpoch = full + (partial && !(options.DropLast && full > 0) ? 1 : 0);
    }

    public int BatchesPerEpoch { get; }

    /// <summary>Batches from global index <paramref name="first"/> on: to the end of the pass, or forever when repeating.</summary>
    public IEnumerable<PlannedBatch> From(long first)
    {
        if (BatchesPerEpoch == 0) yield break;
        long index = first;
        int epoch = checked((int)(first / BatchesPerEpoch));
        while (_options.Repeat || epoch == 0)
        {
            int[] order = Order(epoch);
            for (int b = (int)(index - ((long)epoch * BatchesPerEpoch)); b < BatchesPerEpoch; b++, index++)
            {
                int start = b * _options.BatchSize;
                int size = Math.Min(_options.BatchSize, _count - start);
                var items = new int[size];
                var seeds = new int[size];
                for (int j = 0; j < size; j++)
                {
                    items[j] = order[start + j];
                    seeds[j] = ItemSeed(epoch, start + j);
                }
                yield return new PlannedBatch(index, epoch, items, seeds);
            }
            epoch = checked(epoch + 1);
        }
    }

    /// <summary>The item order of one epoch: the list order, or a Fisher–Yates shuffle seeded by (seed, epoch).</summary>
    public int[] Order(int epoch)
    {
        int[] order = Enumerable.Range(0, _count).ToArray();
        if (_options.Shuffle) new SplitMix64(StableHash.Of(ShuffleDomain, _options.Seed, epoch)).Shuffle<int>(order);
        return order;
    }

    private int ItemSeed(int epoch, int position) =>
        new SplitMix64(StableHash.Of(ItemDomain, _options.Seed, epoch, position)).NextSeed();
}

/// <summary>One batch to load: item indices into the loader's list and a seed per item.</summary>
internal sealed record PlannedBatch(long Index, int Epoch, int[] Items, int[] Seeds);
