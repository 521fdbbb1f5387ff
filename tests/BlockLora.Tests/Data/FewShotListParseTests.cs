using BlockLora.Adapters;
using BlockLora.Checkpoints;
using BlockLora.Data;
using BlockLora.Experiments;
using BlockLora.Training;

namespace BlockLora.Tests.Data;

/// <summary>
/// Each few-shot list format has one parser: it reports every problem with its position, throws the first as the
/// readers always worded it, and a run given a <c>--split-file</c> parses it once.
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class FewShotListParseTests : IDisposable
{
    private readonly DataTestDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private DatasetSplits Tiny() => DatasetReader.Read(TinyCoOpDataset.Create(_dir.Combine("data"), 3, 3, 1, seed: 5).Root, "OxfordPets");

    [Fact]
    public void A_fewshot_json_reports_every_bad_item_and_field_and_throws_the_first()
    {
        string file = _dir.Combine("fewshot.json");
        File.WriteAllText(file, """
            { "format": "blora-fewshot-split", "version": 1, "dataset": "OxfordPets", "seed": 1,
              "classesWithRepetition": 0, "emptyClasses": 0, "classNames": ["a", "b"],
              "items": [ { "path": "/x/1.jpg", "label": 0, "className": "a" },
                         { "path": "/x/2.jpg", "label": 7, "className": "b" },
                         "not an item",
                         { "path": "/x/3.jpg", "label": 1, "className": "b" } ] }
            """);

        var parse = FewShotSplitFile.Parse(file);

        Assert.Equal(["items[1]: label 7 is outside 0..1", "items[2]: is not an object", "$.shots: missing \"shots\""],
            parse.Issues.Select(i => $"{i.Position}: {i.Message}"));
        Assert.All(parse.Issues, i => Assert.Equal((DatasetIssueKind.MalformedSplitFile, file), (i.Kind, i.File)));
        Assert.Equal(["items[0]", "items[3]"], parse.Positions);
        var error = Assert.Throws<InvalidDataException>(() => FewShotSplitFile.Read(file));
        Assert.Equal($"{file}: items[1]: label 7 is outside 0..1", error.Message);
    }

    [Fact]
    public void A_2sfs_file_reports_every_bad_line_and_throws_the_first()
    {
        string file = _dir.Combine("shot_1-seed_1_train.jsonl");
        File.WriteAllLines(file,
        [
            """{"_impath": "a.jpg", "_label": 0, "_classname": "x"}""",
            """{"_impath": "b.jpg", "_label": "zero"}""",
            "",
            "{ not json",
            """{"_impath": "c.jpg", "_label": -1, "_classname": "x"}""",
        ]);

        var parse = TwoSfsSplitFile.Parse(file);

        Assert.Equal(["line 2", "line 4", "line 5"], parse.Issues.Select(i => i.Position));
        Assert.Equal("negative _label -1", parse.Issues[2].Message);
        Assert.Equal(["line 1"], parse.Positions);
        var error = Assert.Throws<InvalidDataException>(() => TwoSfsSplitFile.ReadRaw(file));
        Assert.Equal($"{file}: line 2: expected an object with string _impath, integer _label and string _classname", error.Message);
    }

    [Fact]
    public void A_missing_file_is_the_readers_layout_error()
    {
        string file = _dir.Combine("absent.json");
        Assert.Equal(["few-shot split file not found"], FewShotSplitFile.Parse(file).Issues.Select(i => i.Message));
        Assert.Contains("few-shot split file not found", Assert.Throws<DatasetLayoutException>(() => FewShotSplitFile.Read(file)).Message);
        Assert.Contains("few-shot split file not found", Assert.Throws<DatasetLayoutException>(() => TwoSfsSplitFile.ReadRaw(file + "l")).Message);
    }

    [Theory]
    [InlineData("fewshot.json")]
    [InlineData("shot_2-seed_1_train.jsonl")]
    public void A_run_parses_its_split_file_once(string name)
    {
        var splits = Tiny();
        var selection = FewShotSampler.Sample(splits, 2, 1);
        string file = _dir.Combine("lists", name);
        if (name.EndsWith(".jsonl", StringComparison.Ordinal)) TwoSfsSplitFile.Write(file, selection.Items, splits.Location.ImageDirectory);
        else FewShotSplitFile.Write(file, selection, splits.Location.ImageDirectory);
        var spec = RunSettings.Defaults() with
        {
            ModelPath = Fixtures.ClipTiny("openai.safetensors"), DataRoot = _dir.Combine("data"), Dataset = "OxfordPets", Method = AdapterMethod.Lora,
            Shots = 2, Seed = 1, SplitFile = file, ResultsDir = _dir.Combine("results"),
            Adapter = new AdapterOptions { Rank = 2 },
            Train = new TrainConfig { Iterations = 2, BatchSize = 4, DataWorkers = 1, Precision = BlockLora.Torch.Precision.Fp32 },
        };
        using var model = ClipCheckpoint.Load(spec.ModelPath);
        int before = FewShotListParse.ParsesOf(file);

        var rows = FewShotRun.Execute(model, spec);

        Assert.NotEmpty(rows);
        Assert.True(File.Exists(Path.Combine(spec.RunFolder, "fewshot.json")), "the run did not train on the file");
        Assert.Equal(1, FewShotListParse.ParsesOf(file) - before);
    }
}
