using BlockLora.Adapters;
using BlockLora.Clip;

namespace BlockLora.Tests.Adapters;

/// <summary>
/// Adapter files written before the method registry (fixtures/adapters, saved by commit f203664) must be written byte
/// for byte the same by today's code, and must still load: the file format is a contract with files already on disk.
/// </summary>
public class AdapterFileBytesTests(TempDirectory temp) : IClassFixture<TempDirectory>
{
    private static readonly ClipConfig Base = TinyClip.Config(visionWidth: 128, textWidth: 64);

    public static TheoryData<string, AdapterConfig> Files => new()
    {
        { "lora.safetensors", new AdapterConfig { Seed = 3 } },
        { "block-lora.safetensors", new AdapterConfig { Method = AdapterMethod.BlockLora, Blocks = 4, Rank = 3, Targets = AdapterTargets.All, Layers = LayerSelection.Parse("text:1;vision:0"), Seed = 5 } },
    };

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", "adapters", name);

    private static void Write(string path, AdapterConfig config)
    {
        using var set = AdapterInjector.Create(Base, config);
        TinyClip.Randomize(set);
        AdapterFile.Save(path, set, new Dictionary<string, string> { ["dataset"] = "eurosat", ["shots"] = "4" });
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Saving_writes_the_bytes_the_code_before_the_registry_wrote(string name, AdapterConfig config)
    {
        string path = temp.File(name);
        Write(path, config);
        Assert.Equal(File.ReadAllBytes(Fixture(name)), File.ReadAllBytes(path));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Files_written_before_the_registry_load_with_their_config_and_tensors(string name, AdapterConfig config)
    {
        using var loaded = AdapterFile.Load(Fixture(name), Base);
        Assert.Equal(config, loaded.Config);
        using var expected = AdapterInjector.Create(Base, config);
        TinyClip.Randomize(expected);
        var want = expected.NamedParameters().ToList();
        var got = loaded.NamedParameters().ToList();
        Assert.Equal(want.Select(p => p.Name), got.Select(p => p.Name));
        for (int i = 0; i < want.Count; i++) Assert.True(TinyClip.BitIdentical(want[i].Parameter, got[i].Parameter), want[i].Name);
    }
}
