using BlockLora.Adapters;
using BlockLora.Experiments;
using BlockLora.Training;

namespace BlockLora.Tests.Experiments;

/// <summary>
/// <see cref="RunSettings"/> holds a run's defaults. The config records keep initialisers for code that builds them
/// directly (the core may not see <see cref="RunSettings"/>), so each must equal the setting's default: a record that
/// drifts makes a run built in code differ from the same run asked for on the command line.
/// </summary>
public class RunSettingsDefaultsTests
{
    // The adapter record defaults to plain LoRA (n = 1), the method it is named for; a run's method and its n come from
    // the spec (RunSpec.ResolvedAdapter), whose defaults are Block-LoRA with n = 8.
    private static readonly HashSet<string> SetOnTheSpecOnly = ["method", "blocks"];

    public static TheoryData<string> WithDefaults => new(RunSettings.All.Where(s => s.Default is not null && !SetOnTheSpecOnly.Contains(s.Key)).Select(s => s.Key));

    private static RunSpec FromRecords() => new() { ModelPath = "", DataRoot = "", Dataset = "", Method = AdapterMethod.BlockLora, Adapter = new AdapterOptions(), Train = new TrainConfig() };

    [Theory]
    [MemberData(nameof(WithDefaults))]
    public void A_record_initialiser_equals_the_settings_default(string key)
    {
        var spec = FromRecords();
        var setting = RunSettings.Get(key);
        var applied = setting.Apply(spec, setting.Default!);
        Assert.Equal((spec.Shots, spec.Seed, spec.ResultsDir, spec.Classes), (applied.Shots, applied.Seed, applied.ResultsDir, applied.Classes));
        Assert.Equal(spec.Adapter, applied.Adapter);
        Assert.Equal(spec.Train, applied.Train);
    }

    [Fact]
    public void The_run_defaults_are_block_lora_with_eight_blocks_and_lora_keeps_one()
    {
        var defaults = RunSettings.Defaults();
        Assert.Equal((AdapterMethod.BlockLora, 8), (defaults.ResolvedAdapter.Method, defaults.ResolvedAdapter.Blocks));
        Assert.Equal(1, (defaults with { Method = AdapterMethod.Lora }).ResolvedAdapter.Blocks);
    }
}
