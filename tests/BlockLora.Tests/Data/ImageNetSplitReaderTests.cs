using BlockLora.Data;

namespace BlockLora.Tests.Data;

public sealed class ImageNetSplitReaderTests : IDisposable
{
    // Five wnids in classnames.txt order (label order). The variant tests use a subset, as -A and -R do.
    private static readonly (string Wnid, string Name)[] Classes =
    [
        ("n01440764", "tench"), ("n01443537", "goldfish"), ("n01484850", "great white shark"),
        ("n01491361", "tiger shark"), ("n01494475", "hammerhead shark"),
    ];

    private readonly DataTestDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static void WriteClassNames(string dir, IEnumerable<(string Wnid, string Name)> classes)
    {
        Directory.CreateDirectory(dir);
        File.WriteAllLines(Path.Combine(dir, "classnames.txt"), classes.Select(c => $"{c.Wnid} {c.Name}"));
    }

    private static void Touch(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, [0xFF, 0xD8, 0xFF, 0xD9]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Reads_folders_with_labels_from_classnames_txt(bool nestedUnderImages)
    {
        string imagenet = _dir.Combine("imagenet");
        WriteClassNames(imagenet, Classes.Take(3));
        string images = nestedUnderImages ? Path.Combine(imagenet, "images") : imagenet;
        // Created in reverse so enumeration order cannot accidentally match label order.
        foreach (var (wnid, _) in Classes.Take(3).Reverse())
        {
            Touch(Path.Combine(images, "train", wnid, $"{wnid}_2.JPEG"));
            Touch(Path.Combine(images, "train", wnid, $"{wnid}_1.JPEG"));
            Touch(Path.Combine(images, "val", wnid, $"ILSVRC2012_val_{wnid}.JPEG"));
        }
        File.WriteAllText(Path.Combine(images, "train", Classes[0].Wnid, "notes.txt"), "not an image");

        DatasetSplits splits = DatasetReader.Read(_dir.Path, "ImageNet");

        Assert.Equal(images, splits.Location.ImageDirectory);
        Assert.Equal(["tench", "goldfish", "great white shark"], splits.ClassNames);
        Assert.Equal([0, 0, 1, 1, 2, 2], splits.Train.Select(i => i.Label));
        Assert.Equal(Path.Combine(images, "train", "n01440764", "n01440764_1.JPEG"), splits.Train[0].Path);
        Assert.Equal(Path.Combine(images, "train", "n01440764", "n01440764_2.JPEG"), splits.Train[1].Path);
        Assert.Equal([0, 1, 2], splits.Test.Select(i => i.Label));
        Assert.Same(splits.Test, splits.Val);
        Assert.Equal("goldfish", splits.Test[1].ClassName);
    }

    [Fact]
    public void Folder_that_is_not_in_classnames_is_an_error()
    {
        string imagenet = _dir.Combine("imagenet");
        WriteClassNames(imagenet, Classes.Take(1));
        Touch(Path.Combine(imagenet, "images", "train", "n99999999", "x.JPEG"));
        Directory.CreateDirectory(Path.Combine(imagenet, "images", "val"));
        var error = Assert.Throws<InvalidDataException>(() => DatasetReader.Read(_dir.Path, "ImageNet"));
        Assert.Contains("folder 'n99999999' is not a wnid listed in", error.Message);
    }

    [Fact]
    public void Missing_ImageNet_says_it_must_be_downloaded_manually()
    {
        var error = Assert.Throws<DatasetLayoutException>(() => DatasetReader.Read(_dir.Path, "imagenet"));
        Assert.Equal(_dir.Combine("imagenet"), error.Path);
        Assert.Contains("ImageNet must be downloaded manually from image-net.org (account needed)", error.Message);
    }

    [Fact]
    public void ImageNet_A_uses_its_own_sorted_wnid_subset_as_the_label_space()
    {
        // classnames.txt only in imagenet/: the variant falls back to ImageNet's copy. It lists exactly the folders (fewer
        // would be missing classes) but not in sorted order, so labels by sorted folder differ from its lines.
        WriteClassNames(_dir.Combine("imagenet"), [Classes[4], Classes[1], Classes[2]]);
        string images = _dir.Combine("imagenet-adversarial", "imagenet-a");
        foreach (string wnid in new[] { "n01494475", "n01443537", "n01484850" })
        {
            Touch(Path.Combine(images, wnid, $"0.000116_{wnid}.jpg"));
            Touch(Path.Combine(images, wnid, $"0.000001_{wnid}.jpg"));
        }
        File.WriteAllText(Path.Combine(images, "README.txt"), "ImageNet-A readme");

        DatasetSplits splits = DatasetReader.Read(_dir.Path, "ImageNet-A");

        Assert.Equal(["goldfish", "great white shark", "hammerhead shark"], splits.ClassNames);
        Assert.Equal([0, 0, 1, 1, 2, 2], splits.Test.Select(i => i.Label));
        Assert.Equal("hammerhead shark", splits.Test[^1].ClassName);
        Assert.Empty(splits.Train);
        Assert.Empty(splits.Val);
        Assert.Equal(_dir.Combine("imagenet", "classnames.txt"), splits.Location.SplitFilePath);
    }

    [Fact]
    public void ImageNet_R_prefers_its_own_classnames_copy()
    {
        WriteClassNames(_dir.Combine("imagenet"), Classes.Take(1));
        WriteClassNames(_dir.Combine("imagenet-rendition"), Classes.Take(1).Select(c => (c.Wnid, c.Name.ToUpperInvariant())));
        Touch(_dir.Combine("imagenet-rendition", "imagenet-r", "n01440764", "art_0.jpg"));
        DatasetSplits splits = DatasetReader.Read(_dir.Path, "ImageNetR");
        Assert.Equal(["TENCH"], splits.ClassNames);
    }

    [Fact]
    public void ImageNet_V2_folders_are_ImageNet_labels()
    {
        WriteClassNames(_dir.Combine("imagenetv2"), Classes);
        string images = _dir.Combine("imagenetv2", "imagenetv2-matched-frequency-format-val");
        Touch(Path.Combine(images, "4", "a.jpeg"));
        Touch(Path.Combine(images, "0", "b.jpeg"));
        foreach (string label in new[] { "1", "2", "3" }) Directory.CreateDirectory(Path.Combine(images, label)); // every label has its folder
        DatasetSplits splits = DatasetReader.Read(_dir.Path, "ImageNetV2");
        Assert.Equal(Classes.Select(c => c.Name), splits.ClassNames);
        Assert.Equal([0, 4], splits.Test.Select(i => i.Label));
        Assert.Equal("hammerhead shark", splits.Test[1].ClassName);
    }

    [Fact]
    public void ImageNetSketch_without_any_classnames_file_names_the_fix()
    {
        Touch(_dir.Combine("imagenet-sketch", "images", "n01440764", "sketch_0.JPEG"));
        var error = Assert.Throws<DatasetLayoutException>(() => DatasetReader.Read(_dir.Path, "ImageNetSketch"));
        Assert.Equal(_dir.Combine("imagenet-sketch", "classnames.txt"), error.Path);
        Assert.Contains("classnames.txt", error.Fix);
    }
}
