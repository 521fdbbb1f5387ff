using BlockLora.Interop;
using BlockLora.Tests.IO;
using static TorchSharp.torch;

namespace BlockLora.Tests.Cli;

/// <summary>A CLIP-LoRA .pt given to `blora adapter inspect` or `blora encode --adapter`: read for the model when there is one, else one line saying how to convert it.</summary>
public class ClipLoraPtCliTests
{
    private static string F(string name) => Fixtures.ClipTiny(name);

    private static string WriteClipLora(string position = "all")
    {
        string pt = Path.Combine(Fixtures.TempDir(), "clip_lora.pt");
        using var scope = NewDisposeScope();
        TorchZipPickleWriter.Save(pt, ClipLoraFixture.Build(position: position));
        return pt;
    }

    private static void AssertUserError(BloraProcess.Result r, params string[] mustContain)
    {
        Assert.Equal(2, r.ExitCode);
        var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        foreach (var s in mustContain) Assert.Contains(s, lines[0]);
        Assert.DoesNotContain("Exception", r.Stderr);
    }

    [Fact]
    public void Inspect_without_a_model_says_how_to_convert_the_pt()
    {
        string pt = WriteClipLora();
        AssertUserError(BloraProcess.Run("adapter", "inspect", pt),
            $"{pt}: this is a CLIP-LoRA .pt", "convert it with blora adapter import-clip-lora", "--model");
    }

    [Fact]
    public void Inspect_with_a_model_reads_the_pt_for_it()
    {
        string pt = WriteClipLora();
        var r = BloraProcess.Run("adapter", "inspect", pt, "--model", F("openai.safetensors"));
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Matches(@"(?m)^matrices\s+12\s*$", r.Stdout);
        Assert.Matches(@"(?m)^source\s+clip-lora\s*$", r.Stdout);
    }

    [Fact]
    public void Inspect_with_a_model_refuses_an_adapter_that_does_not_fit_it()
    {
        // Imported for 12 + 12 layers; the tiny model has 2 + 2.
        string dir = Fixtures.TempDir();
        string pt = Path.Combine(dir, "deep.pt");
        string converted = Path.Combine(dir, "deep.safetensors");
        Interop.ClipLoraSaveLora.Save(pt, Interop.ClipLoraSaveLora.Named("ViT-B/16"), "both", "half-up", ["q", "k", "v"], rank: 2, textWidth: 64, visionWidth: 128);
        ClipLoraImport.Convert(pt, converted, 12, 12);
        Assert.Equal(0, BloraProcess.Run("adapter", "inspect", converted).ExitCode);
        AssertUserError(BloraProcess.Run("adapter", "inspect", converted, "--model", F("openai.safetensors")), converted, "out of range");
    }

    [Fact]
    public void Encode_imports_the_pt_for_its_model()
    {
        string pt = WriteClipLora();
        string output = Path.Combine(Fixtures.TempDir(), "out.safetensors");
        var r = BloraProcess.Run("encode", "--model", F("openai.safetensors"), "--texts-file", F("texts.json"), "--output", output,
            "--images", F("exact_0.png"), "--adapter", pt);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.True(File.Exists(output));
    }

    [Fact]
    public void Encode_refuses_a_pt_whose_position_adapts_nothing_on_the_model()
    {
        // 'up' is blocks 8-11, which a 2-layer CLIP does not have: save_lora would have written no weights.
        string pt = Path.Combine(Fixtures.TempDir(), "up.pt");
        using (var scope = NewDisposeScope())
        {
            var content = ClipLoraFixture.Build(position: "up");
            ((Dictionary<string, object?>)content["weights"]!).Clear();
            TorchZipPickleWriter.Save(pt, content);
        }
        string output = Path.Combine(Fixtures.TempDir(), "out.safetensors");
        AssertUserError(BloraProcess.Run("encode", "--model", F("openai.safetensors"), "--texts-file", F("texts.json"), "--output", output,
            "--images", F("exact_0.png"), "--adapter", pt), pt, "position 'up'", "2 text and 2 vision layers");
        Assert.False(File.Exists(output));
    }
}
