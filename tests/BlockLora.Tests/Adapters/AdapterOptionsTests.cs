using BlockLora.Adapters;

namespace BlockLora.Tests.Adapters;

/// <summary>A run carries <see cref="AdapterOptions"/> and its own method and seed; the two records must describe the same settings.</summary>
public class AdapterOptionsTests
{
    [Fact]
    public void Options_are_the_config_without_method_and_seed_with_the_same_defaults()
    {
        static IEnumerable<(string, Type)> Settable(Type type) => type.GetProperties()
            .Where(p => p.SetMethod is not null).Select(p => (p.Name, p.PropertyType)).OrderBy(p => p.Name);
        Assert.Equal(Settable(typeof(AdapterConfig)).Where(p => p.Item1 is not (nameof(AdapterConfig.Method) or nameof(AdapterConfig.Seed))),
            Settable(typeof(AdapterOptions)));
        Assert.Equal(new AdapterOptions(), new AdapterConfig().Options);
    }

    [Fact]
    public void A_config_splits_into_method_seed_and_options_and_joins_back()
    {
        var config = new AdapterConfig
        {
            Method = AdapterMethod.BlockLora, Seed = 9, Rank = 4, Blocks = 8, Alpha = 2.5, Scaling = ScalingRule.AlphaOverRank, Dropout = 0.1,
            InitFanIn = InitFanIn.FullWidth, Targets = AdapterTargets.All, Encoders = AdapterEncoders.Vision, Layers = LayerSelection.Parse("1"),
        };
        Assert.Equal(config, AdapterConfig.Of(config.Method, config.Seed, config.Options));
    }
}
