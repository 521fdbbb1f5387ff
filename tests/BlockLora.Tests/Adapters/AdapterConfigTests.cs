using BlockLora.Adapters;
using BlockLora.Clip;

namespace BlockLora.Tests.Adapters;

public class AdapterConfigTests
{
    [Fact]
    public void Defaults_are_clip_loras()
    {
        var c = new AdapterConfig();
        Assert.Equal(AdapterMethod.Lora, c.Method);
        Assert.Equal(2, c.Rank);
        Assert.Equal(1, c.Blocks);
        Assert.Equal(1.0, c.Alpha);
        Assert.Equal(ScalingRule.AlphaOverSqrtRank, c.Scaling);
        Assert.Equal(0.25, c.Dropout);
        Assert.Equal(InitFanIn.BlockWidth, c.InitFanIn);
        Assert.Equal(AdapterTargets.Q | AdapterTargets.K | AdapterTargets.V, c.Targets);
        Assert.Equal(AdapterEncoders.Both, c.Encoders);
        Assert.True(c.Layers.IsAll);
        Assert.Equal(1 / Math.Sqrt(2), c.ScalingFactor, 12);
        Assert.Equal(0.5, (c with { Scaling = ScalingRule.AlphaOverRank }).ScalingFactor, 12);
    }

    [Fact]
    public void Configs_compare_by_value_including_layers()
    {
        var a = new AdapterConfig { Layers = LayerSelection.Parse("0-2") };
        var b = new AdapterConfig { Layers = LayerSelection.Parse("0,1,2") };
        Assert.Equal(a, b);
        Assert.NotEqual(a, b with { Blocks = 2, Method = AdapterMethod.BlockLora });
    }

    [Theory]
    [InlineData("all", "all", new int[0])]
    [InlineData("", "all", new int[0])]
    [InlineData("0-5", "0-5", new[] { 0, 1, 2, 3, 4, 5 })]
    [InlineData("0,3,7", "0,3,7", new[] { 0, 3, 7 })]
    [InlineData(" 7, 3,0,3 ", "0,3,7", new[] { 0, 3, 7 })]
    [InlineData("0-2,5,9-10", "0-2,5,9-10", new[] { 0, 1, 2, 5, 9, 10 })]
    [InlineData("4", "4", new[] { 4 })]
    public void Layer_selections_parse_and_print_canonically(string text, string canonical, int[] indices)
    {
        var layers = LayerSelection.Parse(text);
        Assert.Equal(canonical, layers.ToString());
        Assert.Equal(indices, layers.Indices);
        Assert.Equal(layers, LayerSelection.Parse(layers.ToString()));
    }

    [Theory]
    [InlineData("x", "'x' in layer selection 'x' is not a layer index")]
    [InlineData("5-2", "layer range '5-2' in '5-2' runs backwards")]
    [InlineData("-1", "'-1' in layer selection '-1' is not a layer index")]
    [InlineData("1,,2", "'' in layer selection '1,,2' is not a layer index")]
    public void Bad_layer_selections_say_why(string text, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => LayerSelection.Parse(text));
        Assert.StartsWith(message, e.Message);
    }

    [Theory]
    [InlineData("q,k,v", AdapterTargets.Qkv, "q,k,v")]
    [InlineData("v, q", AdapterTargets.Q | AdapterTargets.V, "q,v")]
    [InlineData("qkv,o", AdapterTargets.Attention, "q,k,v,o")]
    [InlineData("out_proj,c_fc,c_proj", AdapterTargets.O | AdapterTargets.CFc | AdapterTargets.CProj, "o,c_fc,c_proj")]
    [InlineData("all", AdapterTargets.All, "q,k,v,o,c_fc,c_proj")]
    public void Targets_parse_and_format(string text, AdapterTargets expected, string formatted)
    {
        Assert.Equal(expected, AdapterTargetNames.Parse(text));
        Assert.Equal(formatted, AdapterTargetNames.Format(expected));
    }

    [Fact]
    public void Names_round_trip()
    {
        foreach (var m in Enum.GetValues<AdapterMethod>()) Assert.Equal(m, AdapterMethods.Parse(AdapterMethods.Format(m)));
        foreach (var s in Enum.GetValues<ScalingRule>()) Assert.Equal(s, ScalingRuleNames.Parse(ScalingRuleNames.Format(s)));
        foreach (var f in Enum.GetValues<InitFanIn>()) Assert.Equal(f, InitFanInNames.Parse(InitFanInNames.Format(f)));
        foreach (var e in new[] { AdapterEncoders.Vision, AdapterEncoders.Text, AdapterEncoders.Both })
            Assert.Equal(e, AdapterEncoderNames.Parse(AdapterEncoderNames.Format(e)));
        Assert.Throws<ArgumentException>(() => AdapterTargetNames.Parse("q,z"));
        Assert.Throws<ArgumentException>(() => AdapterMethods.Parse("dora"));
    }

    public static TheoryData<AdapterConfig, string> InvalidConfigs => new()
    {
        { new AdapterConfig { Rank = 0 }, "rank r must be positive, got r=0" },
        { new AdapterConfig { Rank = -3 }, "rank r must be positive, got r=-3" },
        { new AdapterConfig { Method = AdapterMethod.BlockLora, Blocks = 0 }, "block count n must be positive, got n=0" },
        { new AdapterConfig { Blocks = 4 }, "LoRA has a single block (n=1), got n=4; use Block-LoRA for n > 1" },
        { new AdapterConfig { Dropout = 1 }, "dropout must be in [0, 1), got 1" },
        { new AdapterConfig { Dropout = -0.1 }, "dropout must be in [0, 1), got -0.1" },
        { new AdapterConfig { Alpha = double.NaN }, "alpha must be finite, got NaN" },
        { new AdapterConfig { Targets = AdapterTargets.None }, "the adapter config matches no matrices (targets none, encoders both)" },
        { new AdapterConfig { Encoders = AdapterEncoders.None }, "the adapter config matches no matrices (targets q,k,v, encoders none)" },
    };

    [Theory]
    [MemberData(nameof(InvalidConfigs))]
    public void Invalid_configs_are_refused_with_the_reason(AdapterConfig config, string message)
    {
        var e = Assert.Throws<ArgumentException>(config.Validate);
        Assert.Equal(message, e.Message);
    }

    public static TheoryData<AdapterConfig, string> InvalidForTinyBase => new()
    {
        // Vision width 128 (fixture-like): 7 does not divide it; the first matrix in order is named.
        { new AdapterConfig { Method = AdapterMethod.BlockLora, Blocks = 7 }, "blocks n=7 does not divide the input width 128 of visual.transformer.resblocks.0.attn.q_proj" },
        // Text only: its width 64 is the first input width that 128 does not divide.
        { new AdapterConfig { Method = AdapterMethod.BlockLora, Blocks = 128, Encoders = AdapterEncoders.Text }, "blocks n=128 does not divide the input width 64 of transformer.resblocks.0.attn.q_proj" },
        // c_fc reads the model width (64 in text), whatever the MLP's hidden width.
        { new AdapterConfig { Method = AdapterMethod.BlockLora, Blocks = 256, Encoders = AdapterEncoders.Text, Targets = AdapterTargets.CFc }, "blocks n=256 does not divide the input width 64 of transformer.resblocks.0.mlp.c_fc" },
        { new AdapterConfig { Layers = LayerSelection.Parse("0,2") }, "layer 2 is out of range: the vision encoder has 2 layers (0-1)" },
        { new AdapterConfig { Layers = LayerSelection.Parse("3"), Encoders = AdapterEncoders.Text }, "layer 3 is out of range: the text encoder has 2 layers (0-1)" },
    };

    [Theory]
    [MemberData(nameof(InvalidForTinyBase))]
    public void Configs_that_do_not_fit_the_base_name_the_matrix_or_layer(AdapterConfig config, string message)
    {
        var clip = TinyClip.Config(visionWidth: 128, textWidth: 64);
        var e = Assert.Throws<ArgumentException>(() => config.SelectMatrices(clip));
        Assert.Equal(message, e.Message);
    }

    [Theory]
    [InlineData("q,k,v", AdapterEncoders.Both, "all", 12)]
    [InlineData("q,k,v,o", AdapterEncoders.Both, "all", 16)]
    [InlineData("all", AdapterEncoders.Vision, "all", 12)]
    [InlineData("v", AdapterEncoders.Text, "1", 1)]
    [InlineData("c_fc,c_proj", AdapterEncoders.Both, "0", 4)]
    public void Selection_counts_and_orders_matrices(string targets, AdapterEncoders encoders, string layers, int expected)
    {
        var config = new AdapterConfig { Targets = AdapterTargetNames.Parse(targets), Encoders = encoders, Layers = LayerSelection.Parse(layers) };
        var matrices = config.SelectMatrices(TinyClip.Config());
        Assert.Equal(expected, matrices.Count);
        Assert.Equal(matrices.Count, matrices.Select(m => m.Path).Distinct().Count());
        // Vision before text, then by layer.
        var order = matrices.Select(m => (m.Encoder == AdapterEncoders.Vision ? 0 : 1, m.Layer)).ToList();
        Assert.Equal(order.OrderBy(o => o.Item1).ThenBy(o => o.Layer).ToList(), order);
    }

    [Fact]
    public void Mlp_matrices_have_their_own_shapes()
    {
        var config = new AdapterConfig { Targets = AdapterTargets.CFc | AdapterTargets.CProj, Encoders = AdapterEncoders.Vision, Layers = LayerSelection.Parse("0") };
        var matrices = config.SelectMatrices(TinyClip.Config(visionWidth: 32));
        Assert.Equal(new AdaptedMatrix("visual.transformer.resblocks.0.mlp.c_fc", AdapterEncoders.Vision, 0, AdapterTargets.CFc, 128, 32), matrices[0]);
        Assert.Equal(new AdaptedMatrix("visual.transformer.resblocks.0.mlp.c_proj", AdapterEncoders.Vision, 0, AdapterTargets.CProj, 32, 128), matrices[1]);
    }

    [Fact]
    public void ViT_B16_accepts_every_divisor_of_256_and_refuses_others()
    {
        var qkv = new AdapterConfig { Method = AdapterMethod.BlockLora };
        foreach (int n in new[] { 1, 2, 4, 8, 16, 32, 64, 128, 256 })
            Assert.Equal(72, (qkv with { Blocks = n }).SelectMatrices(ClipConfig.VitB16).Count);
        foreach (int n in new[] { 3, 5, 6, 12, 512 })
            Assert.Throws<ArgumentException>(() => (qkv with { Blocks = n }).SelectMatrices(ClipConfig.VitB16));
    }
}
