using BlockLora.Data;

namespace BlockLora.Tests.Data;

public sealed class CoOpSplitReaderTests : IDisposable
{
    private readonly DataTestDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Reads_the_tiny_dataset_through_the_catalog()
    {
        SmokeDataset tiny = TinyCoOpDataset.Create(_dir.Path, classes: 3, trainPerClass: 4, testPerClass: 2, seed: 1);
        DatasetSplits splits = DatasetReader.Read(tiny.Root, tiny.DatasetName);

        Assert.Equal(DatasetCatalog.OxfordPets, splits.Dataset);
        Assert.Equal(tiny.ClassNames, splits.ClassNames);
        Assert.Equal(["tiny class 00", "tiny class 01", "tiny class 02"], splits.PromptClassNames);
        Assert.Equal("a photo of a tiny class 01, a type of pet.", splits.Prompts[1]);
        Assert.Equal(12, splits.Train.Count);
        Assert.Equal(3, splits.Val.Count);
        Assert.Equal(6, splits.Test.Count);
        Assert.All(splits.Train.Concat(splits.Val).Concat(splits.Test), item =>
        {
            Assert.True(File.Exists(item.Path), item.Path);
            Assert.StartsWith(tiny.ImageDirectory, item.Path);
            Assert.Equal(tiny.ClassNames[item.Label], item.ClassName);
        });
        // File order is kept: the JSON lists class 0's train images first.
        Assert.Equal(Path.Combine(tiny.ImageDirectory, "tiny_class_00_train_0.jpg"), splits.Train[0].Path);
    }

    [Fact]
    public void Accepts_the_ClipLora_folder_name()
    {
        SmokeDataset tiny = TinyCoOpDataset.Create(_dir.Path, 2, 1, 1, seed: 2);
        Directory.Move(tiny.DatasetDirectory, _dir.Combine("OxfordPets"));
        DatasetSplits splits = DatasetReader.Read(tiny.Root, "oxford_pets");
        Assert.Equal(_dir.Combine("OxfordPets"), splits.Location.DatasetDirectory);
        Assert.Equal(2, splits.Train.Count);
    }

    [Fact]
    public void StanfordCars_paths_are_relative_to_the_dataset_folder_itself()
    {
        string dir = _dir.Combine("stanford_cars");
        Directory.CreateDirectory(Path.Combine(dir, "cars_train"));
        File.WriteAllText(Path.Combine(dir, "split_zhou_StanfordCars.json"),
            """{"train": [["cars_train/00001.jpg", 0, "AM General Hummer SUV 2000"]], "val": [], "test": [["cars_test/00001.jpg", 0, "AM General Hummer SUV 2000"]]}""");
        DatasetSplits splits = DatasetReader.Read(_dir.Path, "StanfordCars");
        Assert.Equal(Path.Combine(dir, "cars_train", "00001.jpg"), splits.Train[0].Path);
        Assert.Equal(["AM General Hummer SUV 2000"], splits.ClassNames);
    }

    [Theory]
    [InlineData("""{"train": [["a.jpg", "zero", "cat"]], "test": []}""", "train[0] is not [relative path, integer label, class name]")]
    [InlineData("""{"train": [["a.jpg", 0, "cat"], ["b.jpg", 0, "dog"]], "test": []}""", "label 0 is named both 'cat' and 'dog'")]
    [InlineData("""{"train": [["a.jpg", 1, "cat"]], "test": []}""", "no item has label 0")]
    [InlineData("""{"val": [], "test": []}""", "no \"train\" list")]
    [InlineData("""{"train": [""", "not valid JSON")]
    public void Malformed_split_files_give_one_line_errors_naming_the_file(string json, string expected)
    {
        string dir = _dir.Combine("oxford_pets");
        Directory.CreateDirectory(Path.Combine(dir, "images"));
        string split = Path.Combine(dir, "split_zhou_OxfordPets.json");
        File.WriteAllText(split, json);
        var error = Assert.Throws<InvalidDataException>(() => DatasetReader.Read(_dir.Path, "OxfordPets"));
        Assert.StartsWith(split, error.Message);
        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Missing_split_file_names_the_path_and_where_to_get_it()
    {
        SmokeDataset tiny = TinyCoOpDataset.Create(_dir.Path, 2, 1, 1, seed: 3);
        File.Delete(tiny.SplitFile);
        var error = Assert.Throws<DatasetLayoutException>(() => DatasetReader.Read(tiny.Root, "OxfordPets"));
        Assert.Equal(tiny.SplitFile, error.Path);
        Assert.Contains(tiny.SplitFile, error.Message);
        Assert.Contains("download split_zhou_OxfordPets.json from the CoOp repository", error.Message);
        Assert.Contains(tiny.DatasetDirectory, error.Fix);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Missing_dataset_folder_names_the_expected_path_and_the_alternatives()
    {
        var error = Assert.Throws<DatasetLayoutException>(() => DatasetReader.Read(_dir.Path, "Caltech101"));
        Assert.Equal(_dir.Combine("caltech-101"), error.Path);
        Assert.Contains("accepted names: caltech-101, Caltech101", error.Message);
        Assert.Contains("101_ObjectCategories", error.Fix);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Missing_data_root_is_reported()
    {
        string missing = _dir.Combine("no-such-root");
        var error = Assert.Throws<DatasetLayoutException>(() => DatasetReader.Read(missing, "DTD"));
        Assert.Equal(missing, error.Path);
        Assert.Contains("data root not found", error.Message);
    }

    [Fact]
    public void Unknown_dataset_name_is_an_argument_error()
    {
        var error = Assert.Throws<ArgumentException>(() => DatasetReader.Read(_dir.Path, "MNIST"));
        Assert.Contains("valid names: ImageNet, Caltech101", error.Message);
    }
}
