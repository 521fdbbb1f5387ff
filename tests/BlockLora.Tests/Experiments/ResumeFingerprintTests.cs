using BlockLora.Adapters;
using BlockLora.Data;
using BlockLora.Experiments;
using BlockLora.Training;

namespace BlockLora.Tests.Experiments;

/// <summary>
/// A checkpoint resumes the run with the same identity and few-shot files: a setting that changes a result changes the
/// fingerprint, one that never does (workers, log and checkpoint intervals) leaves it, so it may change on resume.
/// </summary>
public class ResumeFingerprintTests
{
    private static RunSpec Base() => RunSettings.Defaults() with
    {
        ModelPath = Fixtures.ClipTiny("openai.safetensors"), DataRoot = "/data", Dataset = "OxfordPets", Method = AdapterMethod.BlockLora,
        Shots = 2, Train = RunSettings.Defaults().Train with { Precision = BlockLora.Torch.Precision.Fp32 },
    };

    private static readonly FewShotSelection Selection = new("OxfordPets", 2, 1,
        [new LabeledImage("a/1.jpg", 0, "cat"), new LabeledImage("a/2.jpg", 0, "cat"), new LabeledImage("b/1.jpg", 1, "dog"), new LabeledImage("b/2.jpg", 1, "dog")],
        ["cat", "dog"], 0, 0);

    private static string FingerprintWith(string key, string value, FewShotSelection? selection = null) =>
        Trainer.Fingerprint(RunIdentity.Of(RunSettings.Get(key).Apply(Base(), value)).Id, selection ?? Selection);

    private static string Unchanged => Trainer.Fingerprint(RunIdentity.Of(Base()).Id, Selection);

    [Theory]
    [InlineData("lr", "0.001")]
    [InlineData("batch-size", "16")]
    [InlineData("blocks", "2")]
    [InlineData("precision", "bf16")]
    [InlineData("seed", "2")]
    public void A_setting_that_changes_a_result_changes_the_fingerprint(string key, string value) =>
        Assert.NotEqual(Unchanged, FingerprintWith(key, value));

    [Theory]
    [InlineData("workers", "7")]
    [InlineData("log-every", "3")]
    [InlineData("checkpoint-every", "50")]
    public void A_setting_that_never_changes_a_result_keeps_the_fingerprint(string key, string value) =>
        Assert.Equal(Unchanged, FingerprintWith(key, value));

    [Fact]
    public void Other_few_shot_files_change_the_fingerprint()
    {
        var other = Selection with { Items = [.. Selection.Items.Take(3), new LabeledImage("b/3.jpg", 1, "dog")] };
        Assert.NotEqual(Unchanged, Trainer.Fingerprint(RunIdentity.Of(Base()).Id, other));
    }
}
