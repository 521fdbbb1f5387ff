using BlockLora.Adapters;

namespace BlockLora.Tests.Adapters;

/// <summary>Layer selections that differ per tower (<c>text:6-11;vision:12-23</c>): parsing, canonical text, resolving, configs and adapter files.</summary>
public sealed class PerEncoderLayerSelectionTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Theory]
    [InlineData("text:6-11;vision:12-23", "text:6-11;vision:12-23")]
    [InlineData("vision:12-23;text:6,7,8,9,10,11", "text:6-11;vision:12-23")]
    [InlineData(" text : 0-5 ; vision : all ", "text:0-5;vision:all")]
    [InlineData("image:3;text:1", "text:1;vision:3")]
    [InlineData("vision:3", "vision:3")]
    [InlineData("text:0-5;vision:0,1,2,3,4,5", "0-5")]
    [InlineData("text:all;vision:ALL", "all")]
    public void Per_encoder_selections_parse_and_print_canonically(string text, string canonical)
    {
        var layers = LayerSelection.Parse(text);
        Assert.Equal(canonical, layers.ToString());
        Assert.Equal(layers, LayerSelection.Parse(layers.ToString()));
        Assert.Equal(layers.GetHashCode(), LayerSelection.Parse(layers.ToString()).GetHashCode());
    }

    [Fact]
    public void Each_tower_resolves_its_own_blocks()
    {
        var layers = LayerSelection.Parse("text:6-11;vision:12-23");
        Assert.True(layers.IsPerEncoder);
        Assert.False(layers.IsAll);
        Assert.Equal(Enumerable.Range(6, 6), layers.Resolve(AdapterEncoders.Text, 12));
        Assert.Equal(Enumerable.Range(12, 12), layers.Resolve(AdapterEncoders.Vision, 24));
        Assert.Throws<InvalidOperationException>(() => layers.Resolve(24).ToList());

        var shared = LayerSelection.Parse("0-2");
        Assert.Same(shared, shared.For(AdapterEncoders.Vision));
        Assert.Equal([0, 1, 2], shared.Resolve(AdapterEncoders.Text, 12));
        Assert.Equal(Enumerable.Range(0, 24), LayerSelection.Parse("text:0;vision:all").Resolve(AdapterEncoders.Vision, 24));

        var visionOnly = LayerSelection.Parse("vision:1");
        Assert.Null(visionOnly.For(AdapterEncoders.Text));
        Assert.Equal("layer selection 'vision:1' names no layers for the text encoder",
            Assert.Throws<ArgumentException>(() => visionOnly.Resolve(AdapterEncoders.Text, 12)).Message);
    }

    [Fact]
    public void Per_encoder_and_shared_selections_are_different_values()
    {
        Assert.NotEqual(LayerSelection.Parse("1,2"), LayerSelection.Parse("text:1;vision:2"));
        Assert.NotEqual(LayerSelection.Parse("text:1;vision:2"), LayerSelection.Parse("text:2;vision:1"));
        Assert.NotEqual(LayerSelection.Parse("vision:1"), LayerSelection.Parse("1"));
        Assert.Equal(new AdapterConfig { Layers = LayerSelection.Parse("vision:2;text:1") }, new AdapterConfig { Layers = LayerSelection.Parse("text:1;vision:2") });
    }

    [Theory]
    [InlineData("text:1;text:2", "layer selection 'text:1;text:2' names the text encoder twice")]
    [InlineData("both:1", "'both' in layer selection 'both:1' is not an encoder (text or vision)")]
    [InlineData("text:;vision:1", "'text:' in layer selection 'text:;vision:1' gives no layers")]
    [InlineData("text:1;5", "'5' in layer selection 'text:1;5' names no encoder")]
    [InlineData("text:x", "'x' in layer selection 'text:x' is not a layer index")]
    [InlineData("text:3-1", "layer range '3-1' in 'text:3-1' runs backwards")]
    public void Bad_per_encoder_selections_say_why(string text, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => LayerSelection.Parse(text));
        Assert.StartsWith(message, e.Message);
    }

    [Theory]
    [InlineData(AdapterEncoders.Both, "vision:0", "layers 'vision:0' give no layers for the text encoder, but encoders 'both' adapts it")]
    [InlineData(AdapterEncoders.Vision, "text:0;vision:1", "layers 'text:0;vision:1' give layers for the text encoder, but encoders 'vision' leaves it unadapted")]
    public void A_per_encoder_selection_must_name_exactly_the_adapted_towers(AdapterEncoders encoders, string layers, string message)
    {
        var config = new AdapterConfig { Encoders = encoders, Layers = LayerSelection.Parse(layers) };
        Assert.Equal(message, Assert.Throws<ArgumentException>(config.Validate).Message);
    }

    [Fact]
    public void Configs_select_each_towers_own_blocks_and_check_their_range()
    {
        var clip = TinyClip.Config(visionLayers: 4, textLayers: 2);
        var config = new AdapterConfig { Targets = AdapterTargets.V, Layers = LayerSelection.Parse("text:1;vision:2-3") };
        Assert.Equal(
            ["visual.transformer.resblocks.2.attn.v_proj", "visual.transformer.resblocks.3.attn.v_proj", "transformer.resblocks.1.attn.v_proj"],
            config.SelectMatrices(clip).Select(m => m.Path));

        var tooDeep = config with { Layers = LayerSelection.Parse("text:2;vision:0") };
        Assert.Equal("layer 2 is out of range: the text encoder has 2 layers (0-1)", Assert.Throws<ArgumentException>(() => tooDeep.SelectMatrices(clip)).Message);
    }

    [Fact]
    public void A_per_encoder_adapter_file_reads_back_to_the_same_config()
    {
        var clip = TinyClip.Config(visionLayers: 4, textLayers: 2);
        var config = new AdapterConfig { Method = AdapterMethod.BlockLora, Blocks = 2, Targets = AdapterTargets.Qkv, Layers = LayerSelection.Parse("text:0;vision:1,3") };
        string path = dir.File("per-encoder.safetensors");
        using (var set = AdapterInjector.Create(clip, config)) AdapterFile.Save(path, set);

        using var contents = AdapterFile.Read(path);
        Assert.Equal("text:0;vision:1,3", contents.Metadata["layers"]);
        Assert.Equal(config, contents.Config);
        using var loaded = AdapterFile.Load(path, clip);
        Assert.Equal(9, loaded.Count);
    }
}
