using System.CommandLine;
using BlockLora.Cli.Commands;
using BlockLora.Experiments;

namespace BlockLora.Tests.Cli;

/// <summary>Verbs that take some of a run's options take them from <see cref="RunSettings"/>: same defaults, same help.</summary>
public class VerbDefaultsTests
{
    public static TheoryData<string, string[]> Verbs => new()
    {
        { "adapter params", ["method", "rank", "blocks", "dora", "freeze-a", "init", "targets", "encoders", "layers"] },
        { "eval", ["model", "data-root", "dataset", "device", "precision"] },
    };

    [Theory]
    [MemberData(nameof(Verbs))]
    public void A_verbs_run_options_have_the_run_settings_defaults_and_descriptions(string verb, string[] keys)
    {
        var root = new RootCommand("blora") { AdapterCommands.Create() };
        foreach (var command in ExperimentCommands.Create()) root.Subcommands.Add(command);
        var words = verb.Split(' ');
        var parsed = root.Parse(words);
        var target = words.Aggregate((Command)root, (c, w) => c.Subcommands.Single(s => s.Name == w));
        foreach (string key in keys)
        {
            var setting = RunSettings.Get(key);
            var option = Assert.IsAssignableFrom<Option<string>>(target.Options.Single(o => o.Name == "--" + key));
            Assert.Equal(setting.Description, option.Description);
            if (setting.Default is null) Assert.Null(option.DefaultValueFactory); // model, data root, dataset: to be given
            else Assert.Equal(setting.Default, parsed.GetValue(option));
        }
    }

    [Fact]
    public void Adapter_params_counts_the_adapter_a_default_run_trains()
    {
        var root = new RootCommand("blora") { AdapterCommands.Create() };
        var output = new StringWriter();
        var console = Console.Out;
        Console.SetOut(output);
        try { Assert.Equal(0, root.Parse(["adapter", "params"]).Invoke()); }
        finally { Console.SetOut(console); }
        var expected = BlockLora.Adapters.ParameterAccounting.FromConfig(BlockLora.Clip.ClipConfig.VitB16, RunSettings.Defaults().ResolvedAdapter).ToString();
        Assert.Equal(expected, output.ToString().TrimEnd('\n'));
    }
}
