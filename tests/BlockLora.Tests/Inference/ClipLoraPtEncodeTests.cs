using BlockLora.Interop;
using BlockLora.Checkpoints;
using BlockLora.Tests.IO;
using static TorchSharp.torch;

namespace BlockLora.Tests.Inference;

/// <summary>`blora encode --adapter X.pt` imports the CLIP-LoRA file for the model it loaded and encodes exactly as with the converted file.</summary>
public class ClipLoraPtEncodeTests
{
    private static readonly string[] Images = ["exact_0.png", "real_CLIP.png"];

    private static Dictionary<string, Tensor> Encode(string adapter, bool merge) => Adapters.AdapterInteropTests.Encode(adapter, merge, Images);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_clip_lora_pt_encodes_as_its_conversion(bool merge)
    {
        string dir = Fixtures.TempDir();
        string pt = Path.Combine(dir, "adapter.pt");
        using (var scope = NewDisposeScope()) TorchZipPickleWriter.Save(pt, ClipLoraFixture.Build(position: "all"));
        string converted = Path.Combine(dir, "adapter.safetensors");
        ClipLoraImport.Convert(pt, converted, ClipCheckpoint.ReadConfig(Fixtures.ClipTiny("openai.safetensors")));

        var fromPt = Encode(pt, merge);
        var fromSafetensors = Encode(converted, merge);
        foreach (var name in new[] { "image_features", "text_features", "logits_per_image" })
            Assert.True(fromPt[name].Equals(fromSafetensors[name]), name);
    }
}
