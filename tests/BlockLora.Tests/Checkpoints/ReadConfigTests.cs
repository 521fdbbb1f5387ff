using BlockLora.Checkpoints;

namespace BlockLora.Tests.Checkpoints;

public class ReadConfigTests
{
    public static TheoryData<string> Layouts => new(Fixtures.Layouts);

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Reading_the_config_agrees_with_loading_the_model(string layout)
    {
        using var model = ClipCheckpoint.Load(Fixtures.ClipTiny(layout));
        Assert.Equal(model.Config, ClipCheckpoint.ReadConfig(Fixtures.ClipTiny(layout)));
    }

    [Fact]
    public void Missing_and_garbage_files_fail_with_the_same_line_as_loading()
    {
        string dir = Fixtures.TempDir();
        string missing = Path.Combine(dir, "none.safetensors");
        Assert.Equal(Assert.Throws<CheckpointException>(() => ClipCheckpoint.Load(missing)).Message,
            Assert.Throws<CheckpointException>(() => ClipCheckpoint.ReadConfig(missing)).Message);
        string garbage = Path.Combine(dir, "garbage.safetensors");
        File.WriteAllBytes(garbage, [.. Enumerable.Range(0, 64).Select(i => (byte)(i * 37))]);
        var e = Assert.Throws<CheckpointException>(() => ClipCheckpoint.ReadConfig(garbage));
        Assert.Equal(Assert.Throws<CheckpointException>(() => ClipCheckpoint.Load(garbage)).Message, e.Message);
        Assert.StartsWith(garbage, e.Message);
    }

    [Fact]
    public void A_header_whose_weights_are_cut_off_still_gives_its_sizes_only_when_the_header_is_whole()
    {
        // Shapes come from the header alone, but the header still has to describe a file that holds the data: a
        // truncated file is refused as loading refuses it.
        string path = Path.Combine(Fixtures.TempDir(), "cut.safetensors");
        var bytes = File.ReadAllBytes(Fixtures.ClipTiny("openai.safetensors"));
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        Assert.Throws<CheckpointException>(() => ClipCheckpoint.ReadConfig(path));
    }
}
