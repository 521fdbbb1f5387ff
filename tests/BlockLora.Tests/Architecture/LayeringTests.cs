using Xunit.Abstractions;

namespace BlockLora.Tests.Architecture;

/// <summary>
/// Data flows one way (docs/architecture.md): a folder uses only the folders below it, so there are no cycles and no
/// upward arrows between folders, and the core library does not know the workbook or its chart and table libraries.
/// </summary>
public sealed class LayeringTests(ITestOutputHelper output)
{
    [Fact]
    public void No_folder_uses_a_folder_above_it()
    {
        var all = LayerDependencies.All();
        output.WriteLine(LayerDependencies.Matrix(all));
        var upward = LayerDependencies.Upward(all);
        Assert.True(upward.Count == 0, "upward dependencies:\n" + string.Join("\n", upward));
        Assert.NotEmpty(all); // the loader saw the assemblies: Clip uses Torch, Adapters uses Clip, ...
    }

    [Fact]
    public void Every_type_is_in_a_folder_of_the_order()
    {
        var strays = LayerDependencies.Types.Where(t => Layers.IndexOf(t.Namespace.FullName) < 0).Select(t => t.FullName).ToList();
        Assert.True(strays.Count == 0, "types in no layer of docs/architecture.md (add the folder to Layers):\n" + string.Join("\n", strays));
    }

    [Fact]
    public void The_rule_names_an_upward_dependency()
    {
        int clip = Layers.IndexOf("BlockLora.Clip"), adapters = Layers.IndexOf("BlockLora.Adapters");
        var planted = new LayerDependency("BlockLora.Clip.ClipModel", clip, "BlockLora.Adapters.LoraAdapter", adapters);
        var downward = new LayerDependency("BlockLora.Adapters.LoraAdapter", adapters, "BlockLora.Clip.ClipModel", clip);
        var upward = LayerDependencies.Upward([planted, downward]);
        Assert.Equal([planted], upward);
        Assert.Contains("BlockLora.Clip.ClipModel (BlockLora.Clip) uses BlockLora.Adapters.LoraAdapter", upward[0].ToString());
        Assert.Equal(Layers.IndexOf("BlockLora.Data"), Layers.IndexOf("BlockLora.Data.Downloads"));
        Assert.True(Layers.IndexOf("BlockLora.Workbook.Demo") > Layers.IndexOf("BlockLora.Experiments"));
    }

    [Fact]
    public void No_CLI_type_uses_tensors_or_modules()
    {
        var types = CliDependencies.CliTypes.ToList();
        Assert.Contains(types, t => t.Name == "SweepCommand"); // the loader saw the CLI
        var uses = CliDependencies.TorchUses(types);
        Assert.True(uses.Count == 0, "CLI types using TorchSharp (move the work into the library):\n" + string.Join("\n", uses));
    }

    [Fact]
    public void The_CLI_rule_names_a_planted_tensor_loop()
    {
        var planted = new ArchUnitNET.Loader.ArchLoader().LoadAssemblies(typeof(Planted.TensorLoopingVerb).Assembly).Build().Types
            .Where(t => t.Namespace?.FullName == typeof(Planted.TensorLoopingVerb).Namespace).ToList();
        var uses = CliDependencies.TorchUses(planted);
        Assert.Contains(uses, u => u.StartsWith("BlockLora.Tests.Architecture.Planted.TensorLoopingVerb uses TorchSharp.", StringComparison.Ordinal) && u.Contains("Tensor", StringComparison.Ordinal));
    }

    [Fact]
    public void The_core_references_neither_the_workbook_nor_its_view_libraries()
    {
        var referenced = Layers.CoreAssembly.GetReferencedAssemblies().Select(a => a.Name).ToList();
        foreach (string name in new[] { "BlockLora.Workbook", "Plotly.NET", "Plotly.NET.CSharp", "Deedle", "FSharp.Core" })
            Assert.DoesNotContain(name, referenced);
        Assert.Contains("TorchSharp", referenced);
    }
}
