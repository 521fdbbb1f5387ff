using BlockLora.Data;

namespace BlockLora.Tests.Data;

/// <summary>The base-to-new split: CoOp's first ⌈C/2⌉ label ids are base, the rest new, each relabelled from 0.</summary>
public class ClassSubsetTests
{
    private static DatasetSplits Splits(int classes, bool reversed = false, int perClass = 2)
    {
        var names = Enumerable.Range(0, classes).Select(c => $"class_{c}").ToArray();
        IReadOnlyList<LabeledImage> Items(string split) =>
            (reversed ? Enumerable.Range(0, classes).Reverse() : Enumerable.Range(0, classes))
                .SelectMany(c => Enumerable.Range(0, perClass).Select(i => new LabeledImage($"{split}/{c}_{i}.jpg", c, names[c]))).ToArray();
        var location = new DatasetLocation(DatasetCatalog.Dtd, "/d", "/d/images", "/d/split_zhou_DescribableTextures.json");
        return new DatasetSplits(location, names, Items("train"), Items("val"), Items("test"));
    }

    [Theory]
    [InlineData(2)] [InlineData(3)] [InlineData(4)] [InlineData(7)] [InlineData(10)] [InlineData(47)]
    public void The_halves_are_disjoint_cover_every_class_and_are_relabelled_from_zero(int classes)
    {
        var all = Splits(classes);
        var basePart = ClassSubsets.Apply(all, ClassSubset.Base);
        var newPart = ClassSubsets.Apply(all, ClassSubset.New);
        Assert.Equal((classes + 1) / 2, basePart.ClassNames.Count); // ⌈C/2⌉, as CoOp's math.ceil(n / 2)
        Assert.Equal(classes / 2, newPart.ClassNames.Count);
        Assert.Empty(basePart.ClassNames.Intersect(newPart.ClassNames));
        Assert.Equal(all.ClassNames, basePart.ClassNames.Concat(newPart.ClassNames));
        foreach (var part in new[] { basePart, newPart })
            foreach (var item in part.Train.Concat(part.Val).Concat(part.Test))
            {
                Assert.InRange(item.Label, 0, part.ClassNames.Count - 1);
                Assert.Equal(part.ClassNames[item.Label], item.ClassName); // the relabelling keeps every image with its name
            }
        Assert.Equal(all.Test.Count, basePart.Test.Count + newPart.Test.Count);
        Assert.Same(all, ClassSubsets.Apply(all, ClassSubset.All));
    }

    [Fact]
    public void The_split_does_not_depend_on_the_order_of_the_files_entries()
    {
        var forward = ClassSubsets.Apply(Splits(5), ClassSubset.New);
        var backward = ClassSubsets.Apply(Splits(5, reversed: true), ClassSubset.New);
        Assert.Equal(forward.ClassNames, backward.ClassNames);
        Assert.Equal(forward.Test.Select(x => (x.Path, x.Label)).Order(), backward.Test.Select(x => (x.Path, x.Label)).Order());
    }

    [Fact]
    public void One_class_an_unknown_subset_and_a_half_without_test_images_are_refused_in_one_line()
    {
        Assert.Contains("DTD has 1 class; the base/new split needs at least 2", Assert.Throws<ArgumentException>(() => ClassSubsets.Apply(Splits(1), ClassSubset.Base)).Message);
        Assert.Contains("unknown class subset 'novelty' (use all, base or new)", Assert.Throws<ArgumentException>(() => ClassSubsets.Parse("novelty")).Message);
        var noTest = Splits(4);
        noTest = noTest with { Test = noTest.Test.Where(x => x.Label != 3).ToArray() };
        var error = Assert.Throws<InvalidDataException>(() => ClassSubsets.Apply(noTest, ClassSubset.New));
        Assert.Contains("split_zhou_DescribableTextures.json: the test split has no image of class 'class_3'", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }
}
