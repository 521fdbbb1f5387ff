using BlockLora.Checkpoints;
using BlockLora.Tests.Adapters;

namespace BlockLora.Tests.Checkpoints;

/// <summary>One type writes and reads a CLIPModel config.json, so what it writes must read back.</summary>
public class HfClipConfigFileTests(TempDirectory temp) : IClassFixture<TempDirectory>
{
    [Fact]
    public void The_head_counts_written_read_back()
    {
        var clip = TinyClip.Config(visionWidth: 128, textWidth: 64) with { VisionHeads = 4, TextHeads = 2 };
        string path = temp.File(HfClipConfigFile.FileName);
        File.WriteAllText(path, HfClipConfigFile.Build(clip).ToJsonString());
        Assert.Equal((4, 2), HfClipConfigFile.ReadHeads(path));
    }

    [Fact]
    public void A_config_without_head_counts_is_a_checkpoint_error_naming_the_file()
    {
        string path = temp.File("bad-config.json");
        File.WriteAllText(path, """{"vision_config": {}}""");
        var e = Assert.Throws<CheckpointException>(() => HfClipConfigFile.ReadHeads(path));
        Assert.StartsWith(path, e.Message);
    }
}
