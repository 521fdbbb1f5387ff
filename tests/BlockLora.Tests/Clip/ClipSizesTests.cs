using BlockLora.Checkpoints;
using BlockLora.IO;
using static TorchSharp.torch;

namespace BlockLora.Tests.Clip;

/// <summary>Other CLIP sizes: the library model agrees with the plain reference forward, and OpenAI safetensors load.</summary>
public class ClipSizesTests
{
    public static TheoryData<int, int, int, int, int, int, int, int> Sizes => new()
    {
        // patch, resolution, vision width/layers/heads, text width/layers/heads
        { 16, 32, 64, 1, 4, 32, 3, 4 },
        { 16, 48, 96, 3, 3, 48, 1, 2 },
        { 8, 24, 32, 2, 8, 64, 2, 8 },
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Model_matches_reference_forward(int patch, int res, int vw, int vl, int vh, int tw, int tl, int th)
    {
        var config = RandomClipWeights.Small(patch, res, vw, vl, vh, tw, tl, th);
        var state = RandomClipWeights.Create(config, seed: patch * 1000 + vw);
        string dir = Fixtures.TempDir();
        string file = Path.Combine(dir, "model.safetensors");
        SafeTensorsFile.Save(file, state);

        using var model = ClipCheckpoint.Load(file, new ClipLoadOptions { VisionHeads = vh, TextHeads = th });
        Assert.Equal(config, model.Config);
        using var _ = no_grad();
        var g = new TorchSharp.torch.Generator(7);
        var pixels = randn(3, 3, res, res, generator: g);
        var tokens = zeros(4, 77, ScalarType.Int64);
        long[] lengths = [3, 9, 77, 1];
        for (int i = 0; i < 4; i++)
        {
            tokens[i, 0] = 49406;
            for (int j = 1; j < lengths[i] - 1; j++) tokens[i, j] = 100 + 37 * j + i;
            tokens[i, lengths[i] - 1] = 49407;
        }
        var image = model.EncodeImage(pixels);
        var text = model.EncodeText(tokens);
        Assert.True(Fixtures.MaxAbsDiff(image, ReferenceClip.EncodeImage(state, pixels, vh, patch)) < 1e-4);
        Assert.True(Fixtures.MaxAbsDiff(text, ReferenceClip.EncodeText(state, tokens, th)) < 1e-4);
    }

    [Fact]
    public void Reference_forward_reproduces_the_fixture()
    {
        // Guards the reference itself, so the size tests above compare against something proven.
        var state = OpenAiStateFromFixture();
        using var _ = no_grad();
        var image = ReferenceClip.EncodeImage(state, Fixtures.Expected("pixels"), heads: 2, patch: 8);
        var text = ReferenceClip.EncodeText(state, Fixtures.Expected("tokens"), heads: 1);
        Assert.True(Fixtures.MaxAbsDiff(image, Fixtures.Expected("image_features")) < 1e-4);
        Assert.True(Fixtures.MaxAbsDiff(text, Fixtures.Expected("text_features")) < 1e-4);
    }

    private static Dictionary<string, Tensor> OpenAiStateFromFixture() =>
        SafeTensorsFile.Load(Fixtures.ClipTiny("openai.safetensors")).Tensors
            .ToDictionary(kv => kv.Key, kv => kv.Value.to(ScalarType.Float32));
}
