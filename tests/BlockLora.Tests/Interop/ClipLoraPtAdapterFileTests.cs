using BlockLora.Adapters;
using BlockLora.Interop;
using BlockLora.Tests.Adapters;
using BlockLora.Checkpoints;
using BlockLora.Tests.IO;
using static TorchSharp.torch;

namespace BlockLora.Tests.Interop;

/// <summary>A CLIP-LoRA .pt where an adapter file is expected: recognised, and read for a base when there is one.</summary>
public sealed class ClipLoraPtAdapterFileTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private string WriteClipLora(string name, string position = "all")
    {
        using var scope = NewDisposeScope();
        string path = dir.File(name);
        TorchZipPickleWriter.Save(path, ClipLoraFixture.Build(position: position));
        return path;
    }

    [Fact]
    public void Without_a_base_the_pt_is_named_with_how_to_convert_it()
    {
        string pt = WriteClipLora("adapter.pt", position: "all");
        var e = Assert.Throws<AdapterFileException>(() => AdapterFile.Describe(pt));
        Assert.StartsWith($"{pt}: this is a CLIP-LoRA .pt (encoder both, position all)", e.Message);
        Assert.Contains("convert it with blora adapter import-clip-lora", e.Message);
        Assert.DoesNotContain("header length", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Fact]
    public void Other_torch_zips_are_said_not_to_be_adapters()
    {
        string state = dir.File("state.pt");
        using (var scope = NewDisposeScope())
            TorchZipPickleWriter.Save(state, new Dictionary<string, object?> { ["weight"] = zeros(2, 2) });
        Assert.Equal($"{state}: a torch.save (.pt) file but not a CLIP-LoRA adapter (no 'weights' and 'metadata' dicts); adapter files are .safetensors",
            Assert.Throws<AdapterFileException>(() => AdapterFile.Read(state)).Message);

        string jit = Fixtures.ClipTiny("openai-jit.pt");
        string torchScript = $"{jit}: a TorchScript archive (a model saved with torch.jit.save), not an adapter; adapter files are .safetensors or CLIP-LoRA .pt";
        Assert.Equal(torchScript, Assert.Throws<AdapterFileException>(() => AdapterFile.Read(jit)).Message);
        var clip = BlockLora.Checkpoints.ClipCheckpoint.ReadConfig(Fixtures.ClipTiny("openai.safetensors"));
        Assert.Equal(torchScript, Assert.Throws<AdapterFileException>(() => AdapterFile.Read(jit, clip)).Message);
    }

    [Fact]
    public void With_a_base_the_pt_reads_as_its_conversion()
    {
        string pt = WriteClipLora("adapter.pt");
        string converted = dir.File("adapter.safetensors");
        var clip = ClipCheckpoint.ReadConfig(Fixtures.ClipTiny("openai.safetensors"));
        ClipLoraImport.Convert(pt, converted, clip);

        using var fromPt = AdapterFile.Read(pt, clip);
        using var fromSafetensors = AdapterFile.Read(converted, clip);
        Assert.Equal(fromSafetensors.Config, fromPt.Config);
        Assert.Equal(fromSafetensors.Metadata, fromPt.Metadata);
        Assert.Equal(fromSafetensors.MatrixPaths, fromPt.MatrixPaths);
        foreach (var path in fromPt.MatrixPaths)
        {
            fromPt.TryGet(path, out var pt1);
            fromSafetensors.TryGet(path, out var st);
            Assert.True(pt1["lora_A"].Equals(st["lora_A"]) && pt1["lora_B"].Equals(st["lora_B"]), path);
        }

        var summary = AdapterFile.Describe(pt, clip);
        Assert.Equal(12, summary.MatrixCount);
        Assert.Equal("all", summary.Config.Layers.ToString());
    }

    [Fact]
    public void A_pt_for_another_base_is_refused_naming_the_file()
    {
        string pt = WriteClipLora("adapter.pt");
        var deeper = ClipCheckpoint.ReadConfig(Fixtures.ClipTiny("openai.safetensors")) with { VisionLayers = 3 };
        var e = Assert.Throws<AdapterFileException>(() => AdapterFile.Read(pt, deeper));
        Assert.StartsWith($"{pt}: has 4 'layer_<i>' entries but encoder 'both' with position 'all' selects 5 attention blocks", e.Message);
    }
}
