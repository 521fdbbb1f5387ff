using BlockLora.Adapters;
using BlockLora.Experiments;
using BlockLora.Training;

namespace BlockLora.Tests.Experiments;

/// <summary>Grid files: the product of the axes plus include points, and one-line errors naming file, line, key and value.</summary>
public class SweepGridFileTests
{
    private static string Write(string yaml)
    {
        string path = Path.Combine(Fixtures.TempDir(), "grid.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    private static RunSpec Base() => RunSettings.Defaults() with
    {
        ModelPath = Fixtures.ClipTiny("openai.safetensors"), DataRoot = "/data", Dataset = "OxfordPets", Shots = 2,
        Train = new TrainConfig { Iterations = 5 },
    };

    [Fact]
    public void A_grid_expands_to_the_product_of_its_axes_and_its_include_points()
    {
        string path = Write("""
            description: targets x lr
            fixed:
              method: block-lora
              blocks: 4
            grid:
              targets: q,k,v | v,o | q,k,v,o
              lr: [1e-4, 2e-4]
            include:
              - { targets: all, lr: 5e-4 }
              - targets: q
                method: lora
            """);
        var grid = SweepGridFile.Read(path, out string description);
        Assert.Equal("targets x lr", description);
        var runs = new SweepConfig { Base = Base(), Grids = [grid] }.Runs();

        Assert.Equal(3 * 2 + 2, runs.Count);
        var seen = runs.Select(r => (AdapterTargetNames.Format(r.Spec.Adapter.Targets), r.Spec.Train.LearningRate, r.Spec.Method, r.Spec.ResolvedAdapter.Blocks)).ToArray();
        foreach (var targets in new[] { "q,k,v", "v,o", "q,k,v,o" })
            foreach (var lr in new[] { 1e-4, 2e-4 })
                Assert.Contains((targets, lr, AdapterMethod.BlockLora, 4), seen);
        Assert.Contains((AdapterTargetNames.Format(AdapterTargets.All), 5e-4, AdapterMethod.BlockLora, 4), seen);
        Assert.Contains(("q", 2e-4, AdapterMethod.Lora, 1), seen); // include over fixed; lr keeps its default
        Assert.Equal(runs.Count, runs.Select(r => r.Identity.Id).Distinct().Count());
        Assert.Equal("method=block-lora targets=v,o lr=1e-4", runs[2].Label); // only what varies between runs
    }

    [Fact]
    public void Repeat_takes_every_grid_and_include_point_once_per_value()
    {
        string path = Write("""
            fixed:
              method: block-lora
            grid:
              blocks: 2 | 4
            include:
              - { method: lora, rank: 1 }
            repeat:
              seed: 1 | 2 | 3
            """);
        var grid = SweepGridFile.Read(path);
        Assert.Contains("seed", grid.Keys);
        var runs = new SweepConfig { Base = Base(), Grids = [grid] }.Runs();
        Assert.Equal((2 + 1) * 3, runs.Count);
        foreach (var point in new[] { (AdapterMethod.BlockLora, 2, 2), (AdapterMethod.BlockLora, 2, 4), (AdapterMethod.Lora, 1, 1) })
            Assert.Equal([1, 2, 3], runs.Where(r => (r.Spec.Method, r.Spec.ResolvedAdapter.Rank, r.Spec.ResolvedAdapter.Blocks) == point).Select(r => r.Spec.Seed).Order());
        Assert.Equal(runs.Count, runs.Select(r => r.Identity.Id).Distinct().Count());
    }

    [Fact]
    public void Layered_grids_cross_their_points_and_identical_runs_are_kept_once()
    {
        var outer = new SweepGrid { Axes = [GridSetting.Of("method", new[] { AdapterMethod.ZeroShot, AdapterMethod.Lora }), GridSetting.Of("seed", new[] { 1, 2 })] };
        var inner = new SweepGrid { Axes = [GridSetting.Of("blocks", new[] { 2, 4 }), GridSetting.Of("rank", new[] { 1, 2 })] };
        var runs = new SweepConfig { Base = Base(), Grids = [outer, inner] }.Runs();
        // zero-shot: one run whatever the seed, blocks and rank; LoRA: blocks resolve to 1, so 2 seeds x 2 ranks.
        Assert.Equal(1 + 4, runs.Count);
        Assert.Single(runs, r => r.Spec.IsZeroShot);
    }

    public static TheoryData<string, string> BadFiles => new()
    {
        { "grid:\n  learning-rate: [1e-4]\n", "grid.yaml:2: grid.learning-rate: unknown option 'learning-rate'" },
        { "grid:\n  lr: [1e-4, fast]\n", "grid.yaml:2: grid.lr: bad value 'fast': lr must be a number" },
        { "grid:\n  lr: []\n", "grid.yaml:2: grid.lr: empty axis" },
        { "grid:\n  targets: [q,k,v]\n", "grid.yaml:2: grid.targets: [a, b] is ambiguous" },
        { "fixed:\n  lr: 1e-4 | 2e-4\n", "grid.yaml:2: fixed.lr: '1e-4 | 2e-4' has alternatives" },
        { "fixed:\n  rank: 2\ngrid:\n  rank: [1, 2]\n", "grid.yaml:4: grid.rank: 'rank' is already set at" },
        { "grid:\n  results: a | b\n", "grid.yaml:2: grid.results: 'results' is one per sweep" },
        { "grid:\n  targets: q,k,v | | v\n", "grid.yaml:2: grid.targets: 'q,k,v | | v' has an empty alternative" },
        { "grids:\n  lr: [1e-4]\n", "grid.yaml:1: unknown section 'grids'" },
        { "grid:\n  lr: [1e-4\n", "grid.yaml:" },
        { "grid:\n  encoders: eyes | both\n", "grid.yaml:2: grid.encoders: bad value 'eyes'" },
        { "grid:\n  method: lora\n  blocks: 0\n", "grid.yaml:3: grid.blocks: bad value '0': blocks must be positive" },
        { "", "grid.yaml: empty grid file" },
        { "include:\n  - { rank: 1, seed: 2 }\nrepeat:\n  seed: 1 | 2\n", "grid.yaml:4: repeat.seed: 'seed' is repeated over every point, so no point may set it (it is set at " },
        { "repeat:\n  results: a | b\n", "grid.yaml:2: repeat.results: 'results' is one per sweep" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void A_bad_grid_file_is_one_line_naming_file_line_key_and_value(string yaml, string expected)
    {
        string path = Write(yaml);
        var error = Record.Exception(() => new SweepConfig { Base = Base(), Grids = [SweepGridFile.Read(path)] }.Runs());
        Assert.NotNull(error);
        Assert.IsNotType<NullReferenceException>(error);
        Assert.DoesNotContain('\n', error.Message);
        Assert.StartsWith(Path.GetDirectoryName(path)!, error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void A_run_the_grid_makes_invalid_names_its_options()
    {
        var grid = new SweepGrid { Fixed = [GridSetting.Of("method", new[] { AdapterMethod.BlockLora })], Axes = [GridSetting.Of("dropout", new[] { 0.0, 0.5 }), GridSetting.Of("template", new[] { "no placeholder" })] };
        var error = Assert.Throws<ArgumentException>(() => new SweepConfig { Base = Base(), Grids = [grid] }.Runs());
        Assert.Contains("template", error.Message);
        Assert.Contains("no placeholder", error.Message);
    }

    [Fact]
    public void Every_option_of_blora_train_is_a_grid_key()
    {
        var train = BlockLora.Cli.Commands.ExperimentCommands.Create().Single(c => c.Name == "train");
        // CLIP-LoRA's translated names (--backbone, --params, --position, --eval_only) are spellings of a run's settings, not settings.
        var options = train.Options.Select(o => o.Name.TrimStart('-')).Where(n => n is not ("resume" or "help" or "h" or "?")
            && (ClipLoraOptions.Find(n) is not { } clipLora || clipLora.Name == clipLora.Key)).ToArray();
        Assert.NotEmpty(options);
        Assert.All(options, name => Assert.True(RunSettings.TryGet(name, out _), $"--{name} of blora train is not a grid key"));
        Assert.All(RunSettings.All, s => Assert.Contains(s.Key, options));
    }
}
