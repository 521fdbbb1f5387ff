using BlockLora.Checkpoints;
using static TorchSharp.torch;

namespace BlockLora.Tests.Clip;

/// <summary>The model reproduces the independent PyTorch reference on clip-tiny in every checkpoint layout.</summary>
public class ClipParityTests
{
    public static TheoryData<string> Layouts => new(Fixtures.Layouts);

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Features_and_logits_match_the_reference(string layout)
    {
        using var model = ClipCheckpoint.Load(Fixtures.ClipTiny(layout));
        using var _ = no_grad();
        using var image = model.EncodeImage(Fixtures.Expected("pixels"));
        using var text = model.EncodeText(Fixtures.Expected("tokens"));
        using var logits = model.Logits(image, text);

        Assert.True(Fixtures.MaxAbsDiff(image, Fixtures.Expected("image_features")) < 1e-4, "image features");
        Assert.True(Fixtures.MaxAbsDiff(text, Fixtures.Expected("text_features")) < 1e-4, "text features");
        Assert.True(Fixtures.MaxAbsDiff(logits, Fixtures.Expected("logits_per_image")) < 1e-3, "logits");
    }

    [Fact]
    public void Config_is_inferred_from_the_weights()
    {
        using var model = ClipCheckpoint.Load(Fixtures.ClipTiny("openai-jit.pt"));
        var c = model.Config;
        Assert.Equal((128, 2, 2, 8, 32), (c.VisionWidth, c.VisionLayers, c.VisionHeads, c.PatchSize, c.ImageResolution));
        Assert.Equal((64, 2, 1, 77, 49408, 64), (c.TextWidth, c.TextLayers, c.TextHeads, c.ContextLength, c.VocabSize, c.EmbedDim));
    }

    [Fact]
    public void Parameter_names_follow_OpenAI_keys()
    {
        using var model = ClipCheckpoint.Load(Fixtures.ClipTiny("openai.safetensors"));
        var names = model.named_parameters().Select(p => p.name).ToHashSet();
        // OpenAI's file: 8 vision + 6 text globals + 12 per block x 4 blocks = 62 tensors; splitting each
        // block's in_proj weight/bias pair into q/k/v adds 4 per block: 78.
        Assert.Equal(78, names.Count);
        Assert.Contains("visual.conv1.weight", names);
        Assert.Contains("visual.transformer.resblocks.1.attn.q_proj.weight", names);
        Assert.Contains("transformer.resblocks.0.mlp.c_fc.bias", names);
        Assert.Contains("text_projection", names);
        Assert.Contains("logit_scale", names);
        Assert.DoesNotContain("visual.conv1.bias", names);
    }
}
