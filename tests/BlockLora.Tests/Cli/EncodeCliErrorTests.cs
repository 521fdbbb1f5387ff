namespace BlockLora.Tests.Cli;

/// <summary>Bad input to `blora encode`: one line naming the file and the problem, exit 2, no stack trace, no output file.</summary>
public class EncodeCliErrorTests
{
    private static string F(string name) => Fixtures.ClipTiny(name);

    private static void AssertUserError(BloraProcess.Result r, string mustContain)
    {
        Assert.Equal(2, r.ExitCode);
        var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.Contains(mustContain));
        Assert.DoesNotContain("   at ", r.Stderr);
        Assert.DoesNotContain("Exception", r.Stderr);
    }

    private static BloraProcess.Result Encode(string model, string texts, string output, params string[] images) =>
        BloraProcess.Run(["encode", "--model", model, "--texts-file", texts, "--output", output, "--images", .. images]);

    [Fact]
    public void Errors_name_the_file_and_the_problem()
    {
        string dir = Fixtures.TempDir();
        string output = Path.Combine(dir, "out.safetensors");

        AssertUserError(Encode(Path.Combine(dir, "missing.pt"), F("texts.json"), output, F("exact_0.png")), "missing.pt: file not found");

        string truncated = Path.Combine(dir, "truncated.safetensors");
        var bytes = File.ReadAllBytes(F("openai.safetensors"));
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 3)]);
        AssertUserError(Encode(truncated, F("texts.json"), output, F("exact_0.png")), "truncated.safetensors");

        string textAsPng = Path.Combine(dir, "notes.png");
        File.WriteAllText(textAsPng, "just text");
        AssertUserError(Encode(F("hf"), F("texts.json"), output, F("exact_0.png"), textAsPng), "notes.png: not an image");

        string cutPng = Path.Combine(dir, "cut.png");
        var png = File.ReadAllBytes(F("real_CLIP.png"));
        File.WriteAllBytes(cutPng, png[..(png.Length / 2)]);
        AssertUserError(Encode(F("hf"), F("texts.json"), output, cutPng), "cut.png");

        string badJson = Path.Combine(dir, "texts.json");
        File.WriteAllText(badJson, "[\"a photo\", 3");
        AssertUserError(Encode(F("hf"), badJson, output, F("exact_0.png")), "texts.json: not a JSON array of strings");

        string hfNoWeights = Path.Combine(dir, "hf");
        Directory.CreateDirectory(hfNoWeights);
        File.Copy(F("hf/config.json"), Path.Combine(hfNoWeights, "config.json"));
        AssertUserError(Encode(hfNoWeights, F("texts.json"), output, F("exact_0.png")), "no model.safetensors");

        AssertUserError(BloraProcess.Run("encode", "--model", F("hf"), "--texts-file", F("texts.json"), "--output", output, "--images"), "--images");

        Assert.False(File.Exists(output));
    }

    [Fact]
    public void A_failed_run_leaves_an_existing_output_untouched()
    {
        string dir = Fixtures.TempDir();
        string output = Path.Combine(dir, "out.safetensors");
        File.WriteAllText(output, "previous results");
        string textAsPng = Path.Combine(dir, "notes.png");
        File.WriteAllText(textAsPng, "just text");
        AssertUserError(Encode(F("hf"), F("texts.json"), output, textAsPng), "notes.png");
        Assert.Equal("previous results", File.ReadAllText(output));
    }

    [Fact]
    public void Encode_succeeds_and_reports()
    {
        string output = Path.Combine(Fixtures.TempDir(), "out.safetensors");
        var r = Encode(F("openai-jit.pt"), F("texts.json"), output, F("exact_0.png"), F("real_CLIP.png"));
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("2 images, 9 texts", r.Stdout);
        Assert.True(File.Exists(output));
    }
}
