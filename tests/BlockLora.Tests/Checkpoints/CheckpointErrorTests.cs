using BlockLora.Checkpoints;
using BlockLora.IO;
using BlockLora.Tests.Clip;

namespace BlockLora.Tests.Checkpoints;

/// <summary>Every unusable checkpoint fails with one line naming the file and, where there is one, the key.</summary>
public class CheckpointErrorTests
{
    private static CheckpointException LoadFails(string path)
    {
        var e = Assert.Throws<CheckpointException>(() => ClipCheckpoint.Load(path).Dispose());
        Assert.DoesNotContain('\n', e.Message);
        Assert.StartsWith(path, e.Message);
        return e;
    }

    [Fact]
    public void Missing_file() => Assert.Contains("file not found", LoadFails(Path.Combine(Fixtures.TempDir(), "nope.pt")).Message);

    [Theory]
    [InlineData("openai-jit.pt")]
    [InlineData("openai.safetensors")]
    public void Truncated_checkpoint(string layout)
    {
        string path = Path.Combine(Fixtures.TempDir(), layout);
        var bytes = File.ReadAllBytes(Fixtures.ClipTiny(layout));
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var e = LoadFails(path);
        Assert.Matches("truncated|not a readable|outside the file", e.Message);
    }

    [Theory]
    [InlineData("garbage.pt")]
    [InlineData("garbage.safetensors")]
    public void Garbage_checkpoint(string name)
    {
        string path = Path.Combine(Fixtures.TempDir(), name);
        File.WriteAllText(path, "this is not a checkpoint at all, just some text\n");
        Assert.Contains("not a", LoadFails(path).Message);
    }

    [Fact]
    public void Hf_folder_without_weights()
    {
        string dir = Fixtures.TempDir();
        File.Copy(Fixtures.ClipTiny("hf/config.json"), Path.Combine(dir, "config.json"));
        Assert.Contains("no model.safetensors", LoadFails(dir).Message);
    }

    [Fact]
    public void Missing_key_is_named_with_its_shape()
    {
        var state = SafeTensorsFile.Load(Fixtures.ClipTiny("openai.safetensors")).Tensors.ToDictionary();
        state.Remove("visual.transformer.resblocks.1.mlp.c_proj.weight");
        string path = Path.Combine(Fixtures.TempDir(), "missing.safetensors");
        SafeTensorsFile.Save(path, state);
        var e = LoadFails(path);
        Assert.Contains("missing key 'visual.transformer.resblocks.1.mlp.c_proj.weight' (expected shape [128, 512])", e.Message);
    }

    [Fact]
    public void Wrong_shape_is_named_with_both_shapes()
    {
        var state = SafeTensorsFile.Load(Fixtures.ClipTiny("openai.safetensors")).Tensors.ToDictionary();
        state["transformer.resblocks.0.attn.in_proj_weight"] = TorchSharp.torch.zeros(192, 32);
        string path = Path.Combine(Fixtures.TempDir(), "shape.safetensors");
        SafeTensorsFile.Save(path, state);
        var e = LoadFails(path);
        Assert.Contains("transformer.resblocks.0.attn.in_proj_weight", e.Message);
        Assert.Contains("[64, 32], expected [64, 64]", e.Message);
    }

    [Fact]
    public void Unexpected_key_is_named()
    {
        var state = SafeTensorsFile.Load(Fixtures.ClipTiny("openai.safetensors")).Tensors.ToDictionary();
        state["visual.extra_head.weight"] = TorchSharp.torch.zeros(3);
        string path = Path.Combine(Fixtures.TempDir(), "extra.safetensors");
        SafeTensorsFile.Save(path, state);
        Assert.Contains("unexpected key 'visual.extra_head.weight'", LoadFails(path).Message);
    }

    [Fact]
    public void Not_a_clip_at_all()
    {
        var config = RandomClipWeights.Small(8, 16, 32, 1, 1, 32, 1, 1);
        var state = RandomClipWeights.Create(config, 1);
        state.Remove("visual.conv1.weight");
        string path = Path.Combine(Fixtures.TempDir(), "noconv.safetensors");
        SafeTensorsFile.Save(path, state);
        Assert.Contains("missing key 'visual.conv1.weight'", LoadFails(path).Message);
    }
}
