using BlockLora.IO;

namespace BlockLora.Tests.Cli;

/// <summary>--precision on the command line: a bf16 encode stays close to the fp32 reference; bad names are one line.</summary>
public class PrecisionCliTests
{
    private static string F(string name) => Fixtures.ClipTiny(name);

    [Fact]
    public void An_unknown_precision_is_one_line_and_exit_2_with_nothing_written()
    {
        string output = Path.Combine(Fixtures.TempDir(), "out.safetensors");
        var r = BloraProcess.Run("encode", "--model", F("openai.safetensors"), "--texts-file", F("texts.json"), "--output", output,
            "--images", F("exact_0.png"), "--precision", "fp8");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("unknown precision 'fp8' (use fp32, bf16, fp16 or auto)", r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void A_bf16_encode_records_its_precision_and_keeps_the_fp32_argmax()
    {
        string output = Path.Combine(Fixtures.TempDir(), "out.safetensors");
        var r = BloraProcess.Run("encode", "--model", F("openai-jit.pt"), "--texts-file", F("texts.json"), "--output", output,
            "--images", F("exact_0.png"), F("exact_1.png"), F("exact_2.png"), "--precision", "bf16");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("bf16", r.Stdout);
        var file = SafeTensorsFile.Load(output);
        Assert.Equal("bf16", file.Metadata["precision"]);
        var expected = Fixtures.Expected("logits_per_image").narrow(0, 0, 3);
        Assert.True(file.Tensors["logits_per_image"].argmax(1).equal(expected.argmax(1)).all().item<bool>());
    }
}
