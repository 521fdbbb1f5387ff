using System.Text.Json;
using BlockLora.Adapters;
using BlockLora.Checkpoints;
using BlockLora.Interop;
using BlockLora.IO;
using BlockLora.Tests.Adapters;
using static TorchSharp.torch;

namespace BlockLora.Tests.Interop;

/// <summary>
/// DoRA and Block-DoRA export to PEFT with <c>use_dora: true</c> and <c>lora_magnitude_vector</c>; merged the way PEFT
/// merges (W0 + s·B·A, then m/‖·‖ per output row, written by hand here) the export gives the adapter's merged weights.
/// </summary>
public class PeftDoraExportTests(TempDirectory temp) : IClassFixture<TempDirectory>
{
    [Theory]
    [InlineData("lora", 1)]
    [InlineData("block-lora", 4)]
    public void A_DoRA_export_merged_as_PEFT_merges_it_gives_the_adapters_merged_weights(string method, int n)
    {
        using var scope = NewDisposeScope();
        using var model = TinyClip.LoadFixture();
        var config = new AdapterConfig { Method = AdapterMethods.Parse(method), Blocks = n, Rank = 2, Alpha = 3, Dora = true };
        using var set = AdapterInjector.Inject(model, config);
        TinyClip.Randomize(set, scale: 0.3);
        using (no_grad())
            foreach (var (_, m) in set.NamedParameters().Where(p => p.Name.EndsWith(".lora_magnitude", StringComparison.Ordinal)))
                m.abs_().add_(1);
        string adapter = temp.File($"dora-{method}-{n}.safetensors");
        AdapterFile.Save(adapter, set);
        string peft = Path.Combine(temp.Path, $"peft-dora-{method}-{n}");
        PeftAdapterExport.Write(adapter, peft);

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(peft, PeftNames.ConfigFileName)));
        Assert.True(json.RootElement.GetProperty("use_dora").GetBoolean());
        double s = config.Alpha / Math.Sqrt(config.Rank);
        Assert.True(json.RootElement.GetProperty("use_rslora").GetBoolean());
        var files = SafeTensorsFile.Load(Path.Combine(peft, PeftNames.WeightsFileName));

        var slots = model.AdaptableSlots().ToDictionary(x => x.Path, x => x.Slot);
        var w0 = set.Matrices.ToDictionary(m => m.Path, m => slots[m.Path].Weight.detach().clone());
        set.MergeAll();
        foreach (var matrix in set.Matrices)
        {
            string hf = HfClipNames.ToHf(matrix.Path);
            var a = files.Tensors[$"base_model.model.{hf}.lora_A.weight"];
            var b = files.Tensors[$"base_model.model.{hf}.lora_B.weight"];
            var m = files.Tensors[$"base_model.model.{hf}.lora_magnitude_vector"];
            Assert.Equal([matrix.OutFeatures], m.shape);
            var merged = w0[matrix.Path] + s * b.matmul(a);
            var norm = merged.pow(2).sum(1, keepdim: true).sqrt();
            var peftMerged = m.unsqueeze(1) / norm * merged;
            double error = TinyClip.RelativeError(slots[matrix.Path].Weight.detach(), peftMerged);
            Assert.True(error < 1e-4, $"{matrix.Path}: {error:E2}");
        }
        set.UnmergeAll();
        foreach (var t in files.Tensors.Values) t.Dispose();
    }
}
