using BlockLora.Data;

namespace BlockLora.Tests.Data;

public sealed class FewShotSamplerTests
{
    private static readonly string[] ClassNames = ["abyssinian", "american_bulldog", "beagle", "sphynx"];

    // Class c has 10 + 3c images; file names are zero-padded so ordinal order is numeric order.
    private static List<LabeledImage> Train(int perClassBase = 10) =>
        Enumerable.Range(0, ClassNames.Length)
            .SelectMany(c => Enumerable.Range(0, perClassBase + (3 * c))
                .Select(i => new LabeledImage($"/data/oxford_pets/images/{ClassNames[c]}_{i:D3}.jpg", c, ClassNames[c])))
            .ToList();

    private static string[] Paths(FewShotSelection selection) => selection.Items.Select(i => i.Path).ToArray();

    [Fact]
    public void SplitMix64_matches_the_published_reference_sequence()
    {
        // Reference outputs of Vigna's splitmix64.c seeded with 0.
        var rng = new SplitMix64(0);
        Assert.Equal(0xE220A8397B1DCDAFUL, rng.NextUInt64());
        Assert.Equal(0x6E789E6AA1B965F4UL, rng.NextUInt64());
        Assert.Equal(0x06C45D188009454FUL, rng.NextUInt64());
    }

    [Fact]
    public void Picks_k_distinct_images_per_class_in_label_order()
    {
        FewShotSelection selection = FewShotSampler.Sample("OxfordPets", Train(), ClassNames, shots: 4, seed: 1);
        Assert.Equal(16, selection.Items.Count);
        Assert.Equal([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3], selection.Items.Select(i => i.Label));
        foreach (var group in selection.Items.GroupBy(i => i.Label)) Assert.Equal(4, group.Select(i => i.Path).Distinct().Count());
        Assert.Equal(0, selection.ClassesWithRepetition);
        Assert.Empty(selection.Warnings);
        Assert.Equal(ClassNames, selection.ClassNames);
    }

    [Fact]
    public void Same_inputs_in_any_order_on_any_thread_give_identical_picks()
    {
        string[] reference = Paths(FewShotSampler.Sample("OxfordPets", Train(), ClassNames, 16, 2));
        var shuffled = Train();
        new Random(123).Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(shuffled));
        Assert.Equal(reference, Paths(FewShotSampler.Sample("OxfordPets", shuffled, ClassNames, 16, 2)));
        // Dataset name case does not matter (the catalog name and a user's spelling agree).
        Assert.Equal(reference, Paths(FewShotSampler.Sample("oxfordpets", shuffled, ClassNames, 16, 2)));

        foreach (int threads in new[] { 1, 2, 4 })
        {
            var results = new string[8][];
            Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = threads },
                i => results[i] = Paths(FewShotSampler.Sample("OxfordPets", i % 2 == 0 ? Train() : shuffled, ClassNames, 16, 2)));
            Assert.All(results, r => Assert.Equal(reference, r));
        }
    }

    [Fact]
    public void Different_seeds_shots_or_datasets_give_different_picks()
    {
        string[] seed1 = Paths(FewShotSampler.Sample("OxfordPets", Train(), ClassNames, 4, 1));
        Assert.NotEqual(seed1, Paths(FewShotSampler.Sample("OxfordPets", Train(), ClassNames, 4, 2)));
        Assert.NotEqual(seed1, Paths(FewShotSampler.Sample("OxfordPets", Train(), ClassNames, 4, 3)));
        Assert.NotEqual(seed1, Paths(FewShotSampler.Sample("DTD", Train(), ClassNames, 4, 1)));
        Assert.NotEqual(seed1[..4], Paths(FewShotSampler.Sample("OxfordPets", Train(), ClassNames, 8, 1))[..4]);
    }

    [Fact]
    public void Picks_are_pinned_so_subsets_never_change_silently()
    {
        // Pinned when the sampler was written. If this fails, every stored run's few-shot subset would
        // change: bump the sampler's domain string and record why, rather than editing these values.
        FewShotSelection selection = FewShotSampler.Sample("OxfordPets", Train(), ClassNames, 2, 1);
        Assert.Equal(PinnedPicks, selection.Items.Select(i => Path.GetFileName(i.Path)).ToArray());
    }

    private static readonly string[] PinnedPicks =
    [
        "abyssinian_008.jpg", "abyssinian_000.jpg", "american_bulldog_011.jpg", "american_bulldog_007.jpg",
        "beagle_010.jpg", "beagle_013.jpg", "sphynx_015.jpg", "sphynx_010.jpg",
    ];

    [Fact]
    public void Short_classes_are_filled_by_repetition_and_counted()
    {
        var train = Train(perClassBase: 3); // classes of 3, 6, 9, 12 images
        FewShotSelection selection = FewShotSampler.Sample("OxfordPets", train, ClassNames, 8, 1);
        Assert.Equal(32, selection.Items.Count);
        Assert.Equal(2, selection.ClassesWithRepetition);
        string warning = Assert.Single(selection.Warnings);
        Assert.Contains("2 class(es) have fewer than 8 train images", warning);

        // Every image of a short class appears at least once; the rest are repeats.
        var class0 = selection.Items.Where(i => i.Label == 0).Select(i => i.Path).ToArray();
        Assert.Equal(8, class0.Length);
        Assert.Equal(train.Where(i => i.Label == 0).Select(i => i.Path).Order(StringComparer.Ordinal), class0.Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(8, selection.Items.Where(i => i.Label == 3).Select(i => i.Path).Distinct().Count());
    }

    [Fact]
    public void Classes_without_train_images_are_counted_as_empty()
    {
        var train = Train().Where(i => i.Label != 2).ToList();
        FewShotSelection selection = FewShotSampler.Sample("OxfordPets", train, ClassNames, 1, 1);
        Assert.Equal(1, selection.EmptyClasses);
        Assert.Equal([0, 1, 3], selection.Items.Select(i => i.Label));
        Assert.Contains(selection.Warnings, w => w.Contains("no train images", StringComparison.Ordinal));
    }

    [Fact]
    public void Rejects_non_positive_shots_and_labels_outside_the_class_list()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => FewShotSampler.Sample("OxfordPets", Train(), ClassNames, 0, 1));
        var bad = new List<LabeledImage> { new("/x.jpg", 7, "ghost") };
        var error = Assert.Throws<ArgumentException>(() => FewShotSampler.Sample("OxfordPets", bad, ClassNames, 1, 1));
        Assert.Contains("label 7 is outside 0..3", error.Message);
    }

    [Fact]
    public void StableHash_separates_parts_and_is_pinned()
    {
        Assert.NotEqual(StableHash.Of("ab", "c"), StableHash.Of("a", "bc"));
        Assert.NotEqual(StableHash.Of("1"), StableHash.Of(1));
        Assert.Equal(StableHash.Of(1), StableHash.Of(1L));
        Assert.Equal(PinnedHash, StableHash.Of("OxfordPets", 16, 1));
    }

    private const ulong PinnedHash = 1541936953142262681UL;
}
