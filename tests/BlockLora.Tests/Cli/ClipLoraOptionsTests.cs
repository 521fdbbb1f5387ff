using System.CommandLine;
using BlockLora.Adapters;
using BlockLora.Cli.Commands;
using BlockLora.Data;
using BlockLora.Experiments;
using BlockLora.Tests.Adapters;
using BlockLora.Interop;
using BlockLora.IO;

namespace BlockLora.Tests.Cli;

/// <summary>
/// CLIP-LoRA's option names and dataset keys on <c>blora train</c>'s options, parsed in process: each gives the
/// <see cref="RunSpec"/> of its native spelling, hence the same run id and run folder.
/// </summary>
public class ClipLoraOptionsTests
{
    private static readonly string Model = Fixtures.ClipTiny("openai.safetensors");
    private static readonly string DataRoot = Fixtures.TempDir();

    /// <summary>The spec <c>blora train</c> makes of these options (a model, data root and dataset added where the case gives none).</summary>
    private static RunSpec Spec(params string[] args)
    {
        var words = args.ToList();
        if (!words.Contains("--backbone") && !words.Contains("--model")) words.AddRange(["--model", Model]);
        if (!words.Contains("--root_path") && !words.Contains("--data-root")) words.AddRange(["--data-root", DataRoot]);
        if (!words.Contains("--dataset")) words.AddRange(["--dataset", "OxfordPets"]);
        var o = RunOptions.ForRun();
        var command = new RootCommand("blora");
        foreach (var option in o.All) command.Options.Add(option);
        var parsed = command.Parse(words);
        Assert.True(parsed.Errors.Count == 0, string.Join("; ", parsed.Errors.Select(e => e.Message)));
        return o.Spec(parsed);
    }

    public static TheoryData<string[], string[]> Spellings => new()
    {
        { ["--n_iters", "2", "--shots", "4"], ["--iterations-per-shot", "2", "--shots", "4"] },
        // CLIP-LoRA's n_iters is per shot: 2 at 4 shots is this project's total of 8.
        { ["--n_iters", "2", "--shots", "4"], ["--iterations", "8", "--shots", "4"] },
        { ["--iterations-per-shot", "2", "--shots", "4"], ["--iterations", "8", "--shots", "4"] },
        { ["--root_path", DataRoot], ["--data-root", DataRoot] },
        { ["--params", "q", "v"], ["--targets", "q,v"] },
        { ["--params", "q,k,v,o"], ["--targets", "q,k,v,o"] },
        { ["--r", "4"], ["--rank", "4"] },
        { ["--alpha", "2"], ["--alpha", "2"] },
        { ["--dropout_rate", "0.1"], ["--dropout", "0.1"] },
        { ["--batch_size", "16"], ["--batch-size", "16"] },
        { ["--lr", "1e-3"], ["--lr", "0.001"] },
        { ["--encoder", "vision"], ["--encoders", "vision"] },
        { ["--save_path", "/tmp/clip-lora-save"], ["--results", "/tmp/clip-lora-save"] },
        { ["--position", "all"], ["--layers", "all"] },
        { ["--dataset", "fgvc"], ["--dataset", "FGVCAircraft"] },
        { ["--seed", "3", "--shots", "2"], ["--seed", "3", "--shots", "2"] },
    };

    [Theory]
    [MemberData(nameof(Spellings))]
    public void A_clip_lora_spelling_gives_the_native_run(string[] clipLora, string[] native)
    {
        var ours = Spec(native);
        var theirs = Spec(clipLora);
        Assert.Equal(RunIdentity.Of(ours).Json, RunIdentity.Of(theirs).Json);
        Assert.Equal(ours.RunFolder, theirs.RunFolder);
        Assert.Equal((ours.ResultsDir, ours.DataRoot, ours.Iterations), (theirs.ResultsDir, theirs.DataRoot, theirs.Iterations));
    }

    [Fact]
    public void N_iters_is_per_shot_so_two_at_four_shots_train_eight_steps()
    {
        var spec = Spec("--n_iters", "2", "--shots", "4");
        Assert.Equal(8, spec.Iterations);
        Assert.Equal(RunIdentity.Of(Spec("--iterations", "8", "--shots", "4")).Id, RunIdentity.Of(spec).Id);
        // Another total is another run.
        Assert.NotEqual(RunIdentity.Of(Spec("--iterations", "2", "--shots", "4")).Id, RunIdentity.Of(spec).Id);
    }

    [Theory]
    [InlineData("--iterations", "--n_iters")]
    [InlineData("--iterations", "--iterations-per-shot")]
    [InlineData("--iterations", "--iterations-base")]
    public void The_total_with_a_per_shot_count_is_refused(string total, string perShot)
    {
        var e = Assert.Throws<ArgumentException>(() => Spec(total, "8", perShot, "2"));
        Assert.Contains($"{total} and {perShot} cannot both be given", e.Message);
    }

    [Theory]
    [InlineData("--layers", "0-1", "--position", "all")]
    [InlineData("--targets", "q", "--params", "v")]
    public void A_setting_given_in_both_vocabularies_is_refused(string native, string nativeValue, string clipLora, string clipLoraValue)
    {
        var e = Assert.Throws<ArgumentException>(() => Spec(native, nativeValue, clipLora, clipLoraValue));
        Assert.Contains($"{native} and {clipLora} both set", e.Message);
    }

    /// <summary>The eleven keys of CLIP-LoRA's <c>datasets/__init__.py</c> and the dataset each names.</summary>
    [Theory]
    [InlineData("imagenet", "ImageNet")]
    [InlineData("caltech101", "Caltech101")]
    [InlineData("dtd", "DTD")]
    [InlineData("eurosat", "EuroSAT")]
    [InlineData("fgvc", "FGVCAircraft")]
    [InlineData("food101", "Food101")]
    [InlineData("oxford_flowers", "Flowers102")]
    [InlineData("oxford_pets", "OxfordPets")]
    [InlineData("stanford_cars", "StanfordCars")]
    [InlineData("sun397", "SUN397")]
    [InlineData("ucf101", "UCF101")]
    public void Each_clip_lora_dataset_key_names_its_dataset(string key, string name)
    {
        Assert.Equal(name, DatasetCatalog.Get(key).Name);
        Assert.Equal(key, DatasetCatalog.Get(name).ClipLoraKey);
        Assert.Equal(name, Spec("--dataset", key).Dataset);
        Assert.Equal(RunIdentity.Of(Spec("--dataset", name)).Id, RunIdentity.Of(Spec("--dataset", key)).Id);
    }

    [Fact]
    public void The_catalog_knows_exactly_clip_loras_eleven_keys()
    {
        Assert.Equal(["imagenet", "caltech101", "oxford_pets", "stanford_cars", "oxford_flowers", "food101", "fgvc", "sun397", "dtd", "eurosat", "ucf101"],
            DatasetCatalog.All.Select(d => d.ClipLoraKey).OfType<string>());
        Assert.All(DatasetCatalog.ImageNetVariants, d => Assert.Null(d.ClipLoraKey));
    }

    /// <summary>A randomly initialised CLIP with these tower depths in OpenAI's safetensors layout: what <c>--position</c> reads the depth of.</summary>
    private static string ModelWithDepth(int textLayers, int visionLayers)
    {
        string path = Path.Combine(Fixtures.TempDir(), $"clip-{textLayers}-{visionLayers}.safetensors");
        using var model = TinyClip.Create(TinyClip.Config(visionWidth: 64, visionLayers: visionLayers, textWidth: 64, textLayers: textLayers, heads: 1));
        SafeTensorsFile.Save(path, model.state_dict());
        return path;
    }

    private static readonly Lazy<string> VitB16Depth = new(() => ModelWithDepth(12, 12));
    private static readonly Lazy<string> VitL14Depth = new(() => ModelWithDepth(12, 24));

    /// <summary>CLIP-LoRA's <c>INDEX_POSITIONS_*</c> for 12-layer towers (ViT-B/16) and for ViT-L/14's 24 vision blocks.</summary>
    [Theory]
    [InlineData(12, "all", "all")]
    [InlineData(12, "bottom", "0-3")]
    [InlineData(12, "mid", "4-7")]
    [InlineData(12, "up", "8-11")]
    [InlineData(12, "half-up", "6-11")]
    [InlineData(12, "half-bottom", "0-5")]
    [InlineData(12, "top3", "9-11")]
    [InlineData(24, "all", "all")]
    [InlineData(24, "half-up", "text:6-11;vision:12-23")]
    [InlineData(24, "half-bottom", "text:0-5;vision:0-11")]
    public void A_position_is_the_layers_clip_lora_adapts_there(int visionLayers, string position, string layers)
    {
        string model = visionLayers == 12 ? VitB16Depth.Value : VitL14Depth.Value;
        var spec = Spec("--model", model, "--position", position);
        Assert.Equal(LayerSelection.Parse(layers), spec.Adapter.Layers);
        Assert.Equal(RunIdentity.Of(Spec("--model", model, "--layers", layers)).Id, RunIdentity.Of(spec).Id);
        // The blocks are the ones a CLIP-LoRA file of that position holds, as the importer reads them.
        var modules = ClipLoraImport.AttentionModules("both", position, 12, visionLayers);
        Assert.Equal(modules.Count(m => !m.StartsWith("visual.", StringComparison.Ordinal)), spec.Adapter.Layers.Resolve(AdapterEncoders.Text, 12).Count());
        Assert.Equal(modules.Count(m => m.StartsWith("visual.", StringComparison.Ordinal)), spec.Adapter.Layers.Resolve(AdapterEncoders.Vision, visionLayers).Count());
    }

    [Fact]
    public void A_position_reads_only_the_adapted_towers_table()
    {
        // ViT-L/14's vision table has no 'bottom' (CLIP-LoRA fails there too), but its text table has.
        var both = Assert.Throws<ArgumentException>(() => Spec("--model", VitL14Depth.Value, "--position", "bottom"));
        Assert.Contains("not one CLIP-LoRA defines for a 24-layer vision encoder", both.Message);
        Assert.Equal(LayerSelection.Parse("0-3"), Spec("--model", VitL14Depth.Value, "--encoder", "text", "--position", "bottom").Adapter.Layers);
        Assert.Equal(LayerSelection.Parse("12-23"), Spec("--model", VitL14Depth.Value, "--encoders", "vision", "--position", "half-up").Adapter.Layers);
    }

    [Theory]
    [InlineData("top1", "not one of CLIP-LoRA's positions")]
    [InlineData("half-up", "selects no block of a 2-layer text encoder")]
    public void A_position_clip_lora_lacks_or_that_selects_nothing_is_refused(string position, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => Spec("--position", position));
        Assert.StartsWith($"--position '{position}':", e.Message);
        Assert.Contains(message, e.Message);
    }

    [Theory]
    [InlineData("ViT-H/14", "unknown backbone 'ViT-H/14' (backbones: ViT-B/32, ViT-B/16, ViT-L/14, ViT-L/14@336px)")]
    [InlineData("RN50", "RN50 is a ResNet CLIP, which blora does not load (backbones: ViT-B/32, ViT-B/16, ViT-L/14, ViT-L/14@336px)")]
    public void An_unknown_backbone_lists_the_known_ones(string name, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => ClipLoraOptions.BackbonePath(name));
        Assert.Equal(message, e.Message);
    }

    [Theory]
    [InlineData("--iteration", "did you mean --iterations?")]
    [InlineData("--weight_decay", "did you mean --weight-decay?")]
    [InlineData("--rnak", "did you mean --rank?")]
    [InlineData("--n_iter", "did you mean --n_iters?")]
    [InlineData("--xyzzy", "see 'blora train --help'")]
    public void An_unknown_option_is_one_line_naming_the_nearest(string typed, string expected)
    {
        var parsed = CliRoot.Create().Parse(["train", "--model", Model, typed, "8"]);
        var line = Assert.Single(ParseErrors.Lines(parsed));
        Assert.Equal($"blora: unknown option '{typed}' for 'blora train'; {expected}", line);
    }

    [Fact]
    public void An_unknown_verb_names_the_nearest_and_clip_loras_filename_says_why_it_is_not_taken()
    {
        Assert.Equal(["blora: unknown command 'trian' for 'blora'; did you mean train?"], ParseErrors.Lines(CliRoot.Create().Parse(["trian", "--model", "m"])));
        var filename = Assert.Single(ParseErrors.Lines(CliRoot.Create().Parse(["train", "--filename", "lora_weights"])));
        Assert.Contains("--filename (CLIP-LoRA's) has no counterpart: a run's adapter is always adapter.safetensors", filename);
    }
}
