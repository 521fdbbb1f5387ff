using System.Text.Json.Nodes;
using BlockLora.Adapters;
using BlockLora.Interop;
using BlockLora.IO;
using BlockLora.Tests.Adapters;

namespace BlockLora.Tests.Interop;

/// <summary>
/// c_fc reads d and c_proj reads 4d, so a Block-LoRA adapter on the MLP has two block shapes; the export must record
/// A_s's shape for every input width, not only the first module's.
/// </summary>
public class PeftBlockShapeTests(TempDirectory temp) : IClassFixture<TempDirectory>
{
    [Fact]
    public void Export_records_the_block_shape_of_every_input_width()
    {
        var clip = TinyClip.Config(visionWidth: 128, textWidth: 64);
        var config = new AdapterConfig { Method = AdapterMethod.BlockLora, Rank = 2, Blocks = 4, Targets = AdapterTargets.Q | AdapterTargets.CFc | AdapterTargets.CProj };
        string adapter = temp.File("mlp.safetensors");
        using (var set = AdapterInjector.Create(clip, config)) AdapterFile.Save(adapter, set);

        PeftAdapterExport.Write(adapter, Path.Combine(temp.Path, "peft"));

        var contents = SafeTensorsFile.Load(Path.Combine(temp.Path, "peft", "adapter_model.safetensors"));
        foreach (var t in contents.Tensors.Values) t.Dispose();
        var shapes = JsonNode.Parse(contents.Metadata[PeftAdapterExport.BlockShapesKey])!.AsObject();
        // Text 64 (q, c_fc), vision 128 (q, c_fc), text c_proj 256, vision c_proj 512: k/n = k/4 for each.
        Assert.Equal(["64", "128", "256", "512"], shapes.Select(p => p.Key));
        foreach (var (width, shape) in shapes)
            Assert.Equal([2L, long.Parse(width) / 4], shape!.AsArray().Select(v => v!.GetValue<long>()));
    }

    [Fact]
    public void Lora_export_records_no_block_shapes()
    {
        var clip = TinyClip.Config(visionWidth: 128, textWidth: 64);
        string adapter = temp.File("lora.safetensors");
        using (var set = AdapterInjector.Create(clip, new AdapterConfig { Targets = AdapterTargets.CFc | AdapterTargets.CProj })) AdapterFile.Save(adapter, set);
        PeftAdapterExport.Write(adapter, Path.Combine(temp.Path, "peft-lora"));
        var contents = SafeTensorsFile.Load(Path.Combine(temp.Path, "peft-lora", "adapter_model.safetensors"));
        foreach (var t in contents.Tensors.Values) t.Dispose();
        Assert.False(contents.Metadata.ContainsKey(PeftAdapterExport.BlockShapesKey));
        Assert.Equal("1", contents.Metadata["blora.blocks"]);
    }

    [Fact]
    public void A_pissa_adapter_is_not_exported_and_nothing_is_written()
    {
        var clip = TinyClip.Config(visionWidth: 128, textWidth: 64);
        string adapter = temp.File("pissa.safetensors");
        using (var set = AdapterInjector.Create(clip, new AdapterConfig { Init = AdapterInit.Pissa })) AdapterFile.Save(adapter, set);
        string output = Path.Combine(temp.Path, "peft-pissa");
        var error = Assert.Throws<ArgumentException>(() => PeftAdapterExport.Write(adapter, output));
        Assert.Contains("PiSSA adapter is not exported", error.Message);
        Assert.False(Directory.Exists(output));
    }
}
