using BlockLora.Data;
using BlockLora.Text;

namespace BlockLora.Tests.Data;

public sealed class DatasetCatalogTests
{
    [Fact]
    public void Lists_eleven_benchmarks_and_four_ImageNet_variants()
    {
        Assert.Equal(15, DatasetCatalog.All.Count);
        Assert.Equal(11, DatasetCatalog.Benchmarks.Count);
        Assert.Equal(["ImageNetV2", "ImageNetSketch", "ImageNetA", "ImageNetR"], DatasetCatalog.ImageNetVariants.Select(d => d.Name));
        Assert.Equal(DatasetCatalog.All.Count, DatasetCatalog.All.Select(d => d.Name).Distinct().Count());
        // Class counts of the CoOp benchmarks (method.md's table): 1000+100+37+196+102+101+100+397+47+10+101.
        Assert.Equal(2191, DatasetCatalog.Benchmarks.Sum(d => d.ClassCount));
        Assert.Equal(200, DatasetCatalog.ImageNetA.ClassCount);
        Assert.Equal(200, DatasetCatalog.ImageNetR.ClassCount);
    }

    [Theory]
    [InlineData("OxfordPets", "OxfordPets")]
    [InlineData("oxfordpets", "OxfordPets")]
    [InlineData("OXFORD_PETS", "OxfordPets")]
    [InlineData("caltech-101", "Caltech101")]
    [InlineData("Flower102", "Flowers102")]
    [InlineData("oxford_flowers", "Flowers102")]
    [InlineData("fgvcaircraft", "FGVCAircraft")]
    [InlineData("ImageNet-V2", "ImageNetV2")]
    [InlineData("imagenet-a", "ImageNetA")]
    [InlineData("ImageNet-R", "ImageNetR")]
    [InlineData("imagenet-sketch", "ImageNetSketch")]
    [InlineData("imagenet", "ImageNet")]
    [InlineData("sun397", "SUN397")]
    public void Finds_entries_by_name_or_folder_ignoring_case(string query, string expected)
    {
        Assert.Equal(expected, DatasetCatalog.Get(query).Name);
    }

    [Fact]
    public void Unknown_name_lists_the_valid_names()
    {
        var error = Assert.Throws<ArgumentException>(() => DatasetCatalog.Get("CIFAR10"));
        Assert.Contains("CIFAR10", error.Message);
        foreach (DatasetInfo dataset in DatasetCatalog.All) Assert.Contains(dataset.Name, error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.False(DatasetCatalog.TryGet("CIFAR10", out _));
    }

    [Fact]
    public void Accepts_both_CoOp_and_ClipLora_folder_names()
    {
        Assert.Equal(["caltech-101", "Caltech101"], DatasetCatalog.Caltech101.FolderNames);
        Assert.Equal(["oxford_flowers", "Flower102"], DatasetCatalog.Flowers102.FolderNames);
        Assert.Equal("split_zhou_OxfordFlowers.json", DatasetCatalog.Flowers102.SplitFile);
        Assert.Equal("split_zhou_DescribableTextures.json", DatasetCatalog.Dtd.SplitFile);
        Assert.Equal("", DatasetCatalog.StanfordCars.ImageSubfolder);
        Assert.Equal("2750", DatasetCatalog.EuroSat.ImageSubfolder);
    }

    [Fact]
    public void Prompts_use_the_CoOp_template_with_underscores_as_spaces()
    {
        Assert.Equal("a photo of a american bulldog, a type of pet.", PromptTemplate.Format(DatasetCatalog.OxfordPets.PromptTemplate, "american_bulldog"));
        Assert.Equal("banded texture.", PromptTemplate.Format(DatasetCatalog.Dtd.PromptTemplate, "banded"));
        Assert.Equal("a photo of apple pie, a type of food.", PromptTemplate.Format(DatasetCatalog.Food101.PromptTemplate, "apple_pie"));
        Assert.Equal("a centered satellite photo of Annual Crop Land.", PromptTemplate.Format(DatasetCatalog.EuroSat.PromptTemplate, "Annual Crop Land"));
        Assert.Equal("a photo of a person doing Apply_Eye_Makeup.".Replace('_', ' '), PromptTemplate.Format(DatasetCatalog.Ucf101.PromptTemplate, "Apply_Eye_Makeup"));
    }
}
