using BlockLora.Adapters;

namespace BlockLora.Tests.Adapters;

public class AdapterMethodTests
{
    public static TheoryData<AdapterMethod> Methods => [.. Enum.GetValues<AdapterMethod>()];

    /// <summary>A method added to the enum but forgotten in one switch throws there; this finds it before a run does.</summary>
    [Theory]
    [MemberData(nameof(Methods))]
    public void Every_method_has_a_name_a_label_and_a_block_rule(AdapterMethod method)
    {
        Assert.Equal(method, AdapterMethods.Parse(AdapterMethods.Format(method)));
        Assert.NotEmpty(method.DisplayName());
        Assert.StartsWith(method.DisplayName(), method.Label(rank: 2, blocks: 4));
        Assert.True(method.Blocks(4) >= 0);
        Assert.Contains(method, AdapterMethods.All);
    }

    [Fact]
    public void The_existing_methods_keep_their_names_labels_and_blocks()
    {
        Assert.Equal(["zero-shot", "LoRA r=2", "Block-LoRA r=2 n=8", "VeRA r=2"], AdapterMethods.All.Select(m => m.Label(2, 8)));
        Assert.Equal(["zero-shot", "LoRA", "Block-LoRA", "VeRA"], AdapterMethods.All.Select(m => m.DisplayName()));
        Assert.Equal([0, 1, 8, 1], AdapterMethods.All.Select(m => m.Blocks(8)));
        Assert.Equal(["zero-shot", "lora", "block-lora", "vera"], AdapterMethods.All.Select(AdapterMethods.Format));
    }

    /// <summary>An integer cast to the enum is no method; before, the catch-all arms called it Block-LoRA.</summary>
    [Fact]
    public void A_value_outside_the_enum_is_refused_by_name_not_labelled_block_lora()
    {
        var unknown = (AdapterMethod)42;
        Assert.Contains("42", Assert.Throws<ArgumentOutOfRangeException>(() => unknown.DisplayName()).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => unknown.Label(2, 8));
        Assert.Throws<ArgumentOutOfRangeException>(() => unknown.Blocks(8));
        Assert.Throws<ArgumentOutOfRangeException>(() => AdapterMethods.Format(unknown));
    }

    /// <summary>Files, accounting and injection read a method's tensors and costs only from its registration, so the adapters it creates must match it.</summary>
    [Fact]
    public void Every_adapted_method_is_registered_and_makes_adapters_with_the_registered_tensors_and_cost()
    {
        Assert.Equal(AdapterMethods.Adapted, AdapterMethodRegistry.All.Select(r => r.Method));
        Assert.Throws<ArgumentOutOfRangeException>(() => AdapterMethodRegistry.For(AdapterMethod.ZeroShot));
        var matrix = new AdaptedMatrix("transformer.resblocks.0.mlp.c_proj", AdapterEncoders.Text, 0, AdapterTargets.CProj, 64, 256);
        foreach (var registration in AdapterMethodRegistry.All)
        {
            var config = new AdapterConfig { Method = registration.Method, Rank = 3, Blocks = registration.Method.Blocks(4) };
            using var adapter = registration.Create(matrix, config, null);
            Assert.Equal(registration.Method, adapter.Method);
            Assert.Equal(registration.TensorsFor(config).Select(t => t.Name), adapter.NamedParameters.Select(p => p.Name));
            foreach (var (spec, (_, parameter)) in registration.TensorsFor(config).Zip(adapter.NamedParameters))
                Assert.Equal(spec.Shape(config, matrix.OutFeatures, matrix.InFeatures), parameter.shape);
            Assert.Equal(registration.Cost(config, matrix.OutFeatures, matrix.InFeatures), adapter.MeasuredCost());
        }
    }
}
