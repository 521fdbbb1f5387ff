using BlockLora.Adapters;
using BlockLora.Interop;
using BlockLora.Tests.Adapters;
using BlockLora.Clip;
using BlockLora.Tests.Cli;

namespace BlockLora.Tests.Interop;

/// <summary>
/// Every file CLIP-LoRA's save_lora can write, for each backbone's layer counts (tiny widths), imports into
/// an adapter file that this project reads back to exactly the modules CLIP-LoRA's apply_lora adapted.
/// </summary>
public sealed class ClipLoraRoundTripTests : IDisposable
{
    private const int Rank = 2, TextWidth = 8, VisionWidth = 16;
    private static readonly string[] Params = ["q", "k", "v", "o"];

    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    public static TheoryData<string, string, string> Cases()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var (backbone, encoder, position) in ClipLoraSaveLora.Cases()) data.Add(backbone, encoder, position);
        return data;
    }

    private static ClipConfig Tiny(ClipLoraSaveLora.Backbone backbone) =>
        TinyClip.Config(visionWidth: VisionWidth, visionLayers: backbone.VisionLayers, textWidth: TextWidth, textLayers: backbone.TextLayers);

    [Fact]
    public void The_table_covers_every_position_clip_lora_can_save()
    {
        // 9 text positions on each backbone; vision 8 / 6 / 3; both = positions in both tables: 7 / 6 / 3.
        Assert.Equal(24 + 21 + 15, ClipLoraSaveLora.Cases().Count());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Imported_file_reads_back_to_the_modules_apply_lora_adapted(string backboneName, string encoder, string position)
    {
        var backbone = ClipLoraSaveLora.Named(backboneName);
        string pt = dir.File($"{encoder}-{position}-{backbone.VisionLayers}.pt");
        string output = dir.File($"{encoder}-{position}-{backbone.VisionLayers}.safetensors");
        ClipLoraSaveLora.Save(pt, backbone, encoder, position, Params, Rank, TextWidth, VisionWidth);

        ClipLoraImport.Convert(pt, output, backbone.TextLayers, backbone.VisionLayers);

        var applied = ClipLoraSaveLora.ApplyLora(backbone, encoder, position)!;
        var expected = applied.SelectMany(m => ClipLoraSaveLora.Projections.Select(p => $"{m}.{p.Module}")).Order(StringComparer.Ordinal).ToList();
        var clip = Tiny(backbone);
        string layers;
        using (var contents = AdapterFile.Read(output))
        {
            layers = contents.Config.Layers.ToString();
            var selected = contents.Config.SelectMatrices(clip).Select(m => m.Path).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(expected, selected);
            Assert.Equal(expected, contents.MatrixPaths.Order(StringComparer.Ordinal).ToList());

            // layer_i of the file is apply_lora's i-th module: its tensors land on that module's path.
            for (int i = 0; i < applied.Count; i++)
            {
                int width = applied[i].StartsWith("visual.", StringComparison.Ordinal) ? VisionWidth : TextWidth;
                for (int p = 0; p < ClipLoraSaveLora.Projections.Length; p++)
                {
                    Assert.True(contents.TryGet($"{applied[i]}.{ClipLoraSaveLora.Projections[p].Module}", out var pair));
                    var (a, b) = (pair["lora_A"], pair["lora_B"]);
                    using var expectedA = ClipLoraSaveLora.Matrix(i, p, true, Rank, width);
                    using var expectedB = ClipLoraSaveLora.Matrix(i, p, false, Rank, width);
                    Assert.True(a.Equals(expectedA) && b.Equals(expectedB), $"layer_{i} → {applied[i]}.{ClipLoraSaveLora.Projections[p].Module}");
                }
            }
        }
        using (var set = AdapterFile.Load(output, clip)) Assert.Equal(expected.Count, set.Count);

        var inspect = BloraProcess.Run("adapter", "inspect", output);
        Assert.True(inspect.ExitCode == 0, inspect.Stderr);
        Assert.Matches($@"(?m)^matrices\s+{expected.Count}\s*$", inspect.Stdout);
        Assert.Matches($@"(?m)^layers\s+{System.Text.RegularExpressions.Regex.Escape(layers)}\s*$", inspect.Stdout);
    }

    [Theory]
    [InlineData("ViT-L/14", "both", "half-up", "text:6-11;vision:12-23")]
    [InlineData("ViT-L/14", "both", "half-bottom", "text:0-5;vision:0-11")]
    [InlineData("ViT-L/14", "both", "all", "all")]
    [InlineData("ViT-L/14", "vision", "half-up", "12-23")]
    [InlineData("ViT-L/14", "text", "half-up", "6-11")]
    [InlineData("ViT-B/16", "both", "half-up", "6-11")]
    [InlineData("ViT-B/16", "both", "all", "all")]
    [InlineData("ViT-B/16", "text", "top1", "11")]
    [InlineData("ViT-B/32", "vision", "mid", "4-7")]
    public void Layers_are_written_per_encoder_only_when_the_towers_differ(string backboneName, string encoder, string position, string layers)
    {
        var backbone = ClipLoraSaveLora.Named(backboneName);
        string pt = dir.File("adapter.pt");
        ClipLoraSaveLora.Save(pt, backbone, encoder, position, Params, Rank, TextWidth, VisionWidth);
        using var imported = ClipLoraImport.Read(pt, Tiny(backbone));
        Assert.Equal(layers, imported.Metadata["layers"]);
    }

    [Fact]
    public void Files_written_by_the_earlier_import_still_read()
    {
        // Before per-encoder selections existed the import wrote lists in this form, which nothing read.
        var config = AdapterMetadata.ToConfig(new Dictionary<string, string>
        {
            ["format"] = "blora-adapter", ["version"] = "1", ["method"] = "lora", ["rank"] = "2", ["blocks"] = "1",
            ["alpha"] = "1", ["scaling"] = "alpha/sqrt(r)", ["dropout"] = "0.25", ["targets"] = "q,k,v", ["encoders"] = "both",
            ["layers"] = "text:6,7,8,9,10,11;vision:12,13,14,15,16,17,18,19,20,21,22,23",
        }, "old.safetensors");
        Assert.Equal("text:6-11;vision:12-23", config.Layers.ToString());
    }
}
