using System.Text.Json;
using BlockLora.Adapters;
using BlockLora.Data;
using BlockLora.Experiments;

namespace BlockLora.Tests.Data;

/// <summary>A CoOp-layout dataset outside the catalog, described by <see cref="DatasetInfo.CustomCoOp"/>, reads like a benchmark.</summary>
public class CustomDatasetTests
{
    [Fact]
    public void A_custom_coop_dataset_is_read_and_resolved_by_name()
    {
        string root = Fixtures.TempDir();
        var info = DatasetInfo.CustomCoOp("MyShapes", "my-shapes", "a drawing of a {}.", 2, "made by this test");
        Assert.Equal(("split_zhou_MyShapes.json", "images", SplitLayout.CoOpJson), (info.SplitFile, info.ImageSubfolder, info.Layout));

        string images = Path.Combine(root, "my-shapes", "images");
        Directory.CreateDirectory(images);
        SmokeImages.Write(Path.Combine(images, "a.png"), SmokeImageStyle.Shapes, 0, 2, 1);
        SmokeImages.Write(Path.Combine(images, "b.png"), SmokeImageStyle.Shapes, 1, 2, 2);
        var split = new Dictionary<string, object[][]>
        {
            ["train"] = [["a.png", 0, "red_circle"], ["b.png", 1, "square"]],
            ["test"] = [["b.png", 1, "square"]],
        };
        File.WriteAllText(Path.Combine(root, "my-shapes", info.SplitFile), JsonSerializer.Serialize(split));

        var splits = DatasetReader.Read(root, info);
        Assert.Equal(["red_circle", "square"], splits.ClassNames);
        Assert.Equal(["a drawing of a red circle.", "a drawing of a square."], splits.Prompts);

        var spec = new RunSpec { ModelPath = "m.pt", DataRoot = root, Dataset = "myshapes", Method = AdapterMethod.ZeroShot, CustomDatasets = [info] };
        Assert.Same(info, spec.ResolveDataset(spec.Dataset));
        Assert.Same(DatasetCatalog.Dtd, spec.ResolveDataset("dtd"));
        var unknown = Assert.Throws<ArgumentException>(() => spec.ResolveDataset("Nope"));
        Assert.Contains("MyShapes", unknown.Message);
    }

    [Fact]
    public void A_custom_name_may_not_shadow_a_benchmark_and_needs_a_template_slot()
    {
        Assert.Contains("OxfordPets", Assert.Throws<ArgumentException>(() => DatasetInfo.CustomCoOp("oxford_pets", "x", "{}", 2, "")).Message);
        Assert.Throws<ArgumentException>(() => DatasetInfo.CustomCoOp("Mine", "x", "no slot", 2, ""));
    }
}
