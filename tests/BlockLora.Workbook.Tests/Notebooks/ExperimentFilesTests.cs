using BlockLora.Adapters;
using BlockLora.Checkpoints;
using BlockLora.Clip;
using BlockLora.Experiments;
using BlockLora.Tests;
using BlockLora.Workbook.Notebooks;

namespace BlockLora.Workbook.Tests.Notebooks;

/// <summary>The ablation grid files under <c>experiments/</c> that notebook 04 runs, one folder per profile.</summary>
public class ExperimentFilesTests
{
    private static string RepoRoot => WorkbookProfile.FindRepoRoot(AppContext.BaseDirectory);

    private static readonly string[] Ablations = ["ablation-rank-blocks", "ablation-targets", "ablation-encoders", "ablation-methods"];
    private static readonly string[] ProtocolTables = ["fewshot", "base-to-new", "cross-dataset", "domain-generalization"];

    public static TheoryData<string, string> GridFiles()
    {
        var data = new TheoryData<string, string>();
        foreach (var profile in new[] { WorkbookProfile.SmokeName, WorkbookProfile.PaperName })
            foreach (var file in Directory.EnumerateFiles(Path.Combine(WorkbookProfile.FindRepoRoot(AppContext.BaseDirectory), "experiments", profile), "*.yaml").Order())
                data.Add(profile, Path.GetFileNameWithoutExtension(file));
        return data;
    }

    [Fact]
    public void Each_profile_has_its_table_files_and_experiments_holds_nothing_else()
    {
        string experiments = Path.Combine(RepoRoot, "experiments");
        Assert.Equal([WorkbookProfile.PaperName, WorkbookProfile.SmokeName],
            Directory.EnumerateDirectories(experiments).Select(d => Path.GetFileName(d)!).Order().ToArray());
        foreach (var name in new[] { WorkbookProfile.SmokeName, WorkbookProfile.PaperName })
        {
            var profile = WorkbookProfile.ByName(name, RepoRoot);
            Assert.Equal(Path.Combine(RepoRoot, "experiments", name), profile.ExperimentsDir);
            Assert.Equal(Ablations.Concat(ProtocolTables).Order(), profile.AblationGridNames());
            // Every file declares the table it fills, so blora tables and notebook 06 build every one of them.
            Assert.Equal(profile.AblationGridNames(), profile.TableGridNames());
            Assert.DoesNotContain(Directory.EnumerateFiles(profile.ExperimentsDir), f => !f.EndsWith(".yaml", StringComparison.Ordinal));
            // The setup notebook's settings table lists the files instead of the old rank and block lists.
            var ablation = profile.Settings().Single(s => s.Key == "ablation").Value;
            Assert.All(Ablations, a => Assert.Contains(a + ".yaml", ablation));
        }
    }

    [Theory]
    [MemberData(nameof(GridFiles))]
    public void Grid_file_parses_says_how_to_run_it_and_expands_for_its_profile(string profileName, string gridName)
    {
        var profile = WorkbookProfile.ByName(profileName, RepoRoot);
        string path = profile.AblationFile(gridName);
        var grid = SweepGridFile.Read(path, out string description);
        Assert.False(string.IsNullOrWhiteSpace(description));
        string text = File.ReadAllText(path);
        Assert.StartsWith("#", text);
        Assert.Contains($"blora sweep --grid experiments/{profileName}/{gridName}.yaml --model ", text);
        Assert.Contains($"blora tables --results ", text);
        Assert.NotEqual("", SweepGridFile.ReadFile(path).Table);
        Assert.All(grid.Keys, k => Assert.True(RunSettings.TryGet(k, out _), k));

        // Run ids fingerprint the model file, which the paper profile's is not here, and resolve precision auto on its
        // device (cuda, absent here): expand the paper files on the demo model, on the CPU.
        if (profileName == WorkbookProfile.PaperName)
            profile = profile with { ModelPath = WorkbookProfile.Smoke(RepoRoot).ModelPath, Device = "cpu" };
        var clip = profileName == WorkbookProfile.PaperName ? ClipConfig.VitB16 : ClipCheckpoint.ReadConfig(profile.ModelPath);
        var runs = profile.AblationSweep(gridName, out _, out _).Runs();
        Assert.True(runs.Count >= 2, $"{gridName}: {runs.Count} run(s)");
        Assert.All(runs.Where(r => !r.Spec.IsZeroShot), r =>
        {
            // A file defines its runs whole: the profile's schedule comes from the file itself (smoke: the demo's).
            var schedule = profile.Train;
            Assert.Equal(schedule.TotalIterations(r.Spec.Shots), r.Spec.Iterations);
            Assert.Equal((schedule.LearningRate, schedule.MinCropScale, schedule.BatchSize), (r.Spec.Train.LearningRate, r.Spec.Train.MinCropScale, r.Spec.Train.BatchSize));
            if (gridName is not ("ablation-rank-blocks" or "ablation-methods"))
                Assert.Equal((profile.Adapter.Rank, r.Spec.Method.Blocks(profile.Adapter.Blocks)), (r.Spec.ResolvedAdapter.Rank, r.Spec.ResolvedAdapter.Blocks));
            // Every n divides the widths of the profile's model (SelectMatrices checks each matrix).
            Assert.True(ParameterAccounting.FromConfig(clip, r.Spec.ResolvedAdapter).Total.Parameters > 0);
        });
        // An ablation runs on the profile's train dataset and main shots; the methods comparison over three seeds, the others one.
        int[] seeds = gridName == "ablation-methods" ? [1, 2, 3] : [profile.Seeds[0]];
        if (gridName.StartsWith("ablation-", StringComparison.Ordinal))
        {
            Assert.All(runs, r => Assert.Equal((profile.ResolveDataset(profile.TrainDataset).Name, profile.MainShots), (r.Spec.Dataset, r.Spec.Shots)));
            Assert.Equal(seeds, runs.Select(r => r.Spec.Seed).Distinct().Order());
        }
    }

    [Theory]
    [InlineData(WorkbookProfile.SmokeName)]
    [InlineData(WorkbookProfile.PaperName)]
    public void The_profiles_lists_agree_with_its_table_files(string profileName)
    {
        var profile = WorkbookProfile.ByName(profileName, RepoRoot);
        profile = profile with { ModelPath = WorkbookProfile.Smoke(RepoRoot).ModelPath, Device = "cpu" };
        var fewShot = profile.ComparisonSweep().Expand();
        Assert.Equal(profile.Datasets.Select(d => profile.ResolveDataset(d).Name), fewShot.Select(r => r.Dataset).Distinct());
        Assert.Equal(profile.Shots, fewShot.Where(r => !r.IsZeroShot).Select(r => r.Shots).Distinct().Order());
        Assert.Equal(profile.Seeds, fewShot.Where(r => !r.IsZeroShot).Select(r => r.Seed).Distinct().Order());
        var baseToNew = profile.BaseToNewSweep().Expand();
        Assert.Equal(profile.BaseToNewDatasets.Select(d => profile.ResolveDataset(d).Name), baseToNew.Select(r => r.Dataset).Distinct());
        Assert.Equal(profile.BaseToNewSeeds, baseToNew.Where(r => !r.IsZeroShot).Select(r => r.Seed).Distinct().Order());
        var cross = profile.TableSweep("cross-dataset").Expand();
        Assert.All(cross, r => Assert.Equal((profile.ResolveDataset(profile.CrossDatasetSource).Name, profile.MainShots), (r.Dataset, r.Shots)));
        Assert.All(cross, r => Assert.Equal(profile.CrossDatasetTargets.Select(d => profile.ResolveDataset(d).Name), r.AlsoEvaluateOn));
        Assert.All(profile.TableSweep("domain-generalization").Expand(), r => Assert.Equal(profile.DomainTargets.Select(d => profile.ResolveDataset(d).Name), r.AlsoEvaluateOn));
        // The transfer grids train the few-shot grid's source runs (same ids): the sweep only scores their adapters elsewhere.
        var fewShotIds = profile.ComparisonSweep().Runs().Select(r => r.Identity.Id).ToHashSet();
        Assert.All(profile.TableSweep("cross-dataset").Runs(), r => Assert.Contains(r.Identity.Id, fewShotIds));
    }

    [Fact]
    public void Smoke_rank_blocks_file_expands_to_the_grid_the_profile_lists_used_to_give()
    {
        var smoke = WorkbookProfile.Smoke(RepoRoot);
        var runs = smoke.AblationSweep("ablation-rank-blocks", out _, out _).Runs();
        // What AblationSweeps() gave from AblationRanks [1, 2, 4] and AblationBlocks [1, 2, 4, 8]: LoRA per rank and
        // Block-LoRA per rank × n > 1, on the train dataset at the main shots, first seed.
        int[] ranks = [1, 2, 4], blocks = [2, 4, 8];
        var expected = ranks.Select(r => smoke.Run(smoke.TrainDataset, AdapterMethod.Lora, smoke.MainShots, smoke.Seeds[0], rank: r, blocks: 1))
            .Concat(from r in ranks from n in blocks select smoke.Run(smoke.TrainDataset, AdapterMethod.BlockLora, smoke.MainShots, smoke.Seeds[0], rank: r, blocks: n))
            .Select(s => RunIdentity.Of(s).Id).Order().ToArray();
        Assert.Equal(expected, runs.Select(r => r.Identity.Id).Order().ToArray());
        Assert.Equal(12, runs.Count);
        Assert.Equal(runs.Select(r => r.Spec.RunFolder).Distinct().Count(), runs.Count);
        var ablation = new GridAblation("ablation-rank-blocks", smoke.AblationFile("ablation-rank-blocks"), "", SweepGridFile.Read(smoke.AblationFile("ablation-rank-blocks")),
            runs, new Sweep.Summary(runs.Count, 0, 0), smoke.ResultsDir);
        Assert.Equal(ranks, ablation.Ranks);
        Assert.Equal([1, 2, 4, 8], ablation.Blocks);
        Assert.Equal(["method", "rank", "blocks"], ablation.VariedOptions);
    }

    [Fact]
    public void Smoke_targets_and_encoders_files_run_block_lora_at_the_profile_r_and_n_and_share_its_default_run()
    {
        var smoke = WorkbookProfile.Smoke(RepoRoot);
        var defaultRun = RunIdentity.Of(smoke.Run(smoke.TrainDataset, AdapterMethod.BlockLora, smoke.MainShots, smoke.Seeds[0])).Id;
        var rankBlocks = smoke.AblationSweep("ablation-rank-blocks", out _, out _).Runs().Select(r => r.Identity.Id).ToHashSet();
        Assert.Contains(defaultRun, rankBlocks);
        foreach (var (name, key, values) in new[] { ("ablation-targets", "targets", new[] { "q,k,v", "v,o", "q,k,v,o" }), ("ablation-encoders", "encoders", new[] { "vision", "text", "both" }) })
        {
            var runs = smoke.AblationSweep(name, out var grid, out _).Runs();
            Assert.Equal(values, runs.Select(r => r.Choices.Single(c => c.Option.Key == key).Value));
            Assert.All(runs, r => Assert.Equal((AdapterMethod.BlockLora, smoke.Adapter.Rank, smoke.Adapter.Blocks),
                (r.Spec.Method, r.Spec.ResolvedAdapter.Rank, r.Spec.ResolvedAdapter.Blocks)));
            // The protocol's choice is the profile's default run, which the rank × blocks file already trains: one new run less.
            Assert.Single(runs, r => r.Identity.Id == defaultRun);
            Assert.Equal(values.Length - 1, runs.Count(r => !rankBlocks.Contains(r.Identity.Id)));
            Assert.Equal([key], Workbook.Tables.GridTables.VariedOptions(grid, runs));
        }
    }

    [Theory]
    [InlineData(WorkbookProfile.SmokeName)]
    [InlineData(WorkbookProfile.PaperName)]
    public void Methods_file_runs_every_method_at_three_seeds_and_its_header_counts_are_the_ViT_B16_formula(string profileName)
    {
        var profile = WorkbookProfile.ByName(profileName, RepoRoot) with { ModelPath = WorkbookProfile.Smoke(RepoRoot).ModelPath, Device = "cpu" };
        string path = profile.AblationFile("ablation-methods");
        var runs = profile.AblationSweep("ablation-methods", out _, out _).Runs();
        var points = runs.GroupBy(r => r.Spec.ResolvedAdapter.Label()).ToArray();
        Assert.All(points, p => Assert.Equal([1, 2, 3], p.Select(r => r.Spec.Seed).Order()));
        Assert.Equal(14 * 3, runs.Count);
        Assert.Equal(runs.Count, runs.Select(r => r.Identity.Id).Distinct().Count());
        string[] families = ["LoRA", "Block-LoRA", "DoRA", "Block-DoRA", "VeRA", "LoRA-FA", "PiSSA"];
        Assert.Equal(families.Order(), points.Select(p => p.First().Spec.ResolvedAdapter.Family()).Distinct().Order());
        Assert.Equal([2, 4, 8], points.Where(p => p.First().Spec.ResolvedAdapter.Family() == "Block-LoRA").Select(p => p.First().Spec.ResolvedAdapter.Blocks).Order());

        // Every count the header prints ("#   DoRA r=2   230,400   DoRA r=1   138,240") is the formula at ViT-B/16 for that point.
        var header = File.ReadLines(path).TakeWhile(l => l.StartsWith('#')).ToArray();
        var printed = header.SelectMany(l => System.Text.RegularExpressions.Regex.Matches(l, @"((?:Block-)?[A-Za-z]+(?:-FA)? r=\d+(?: n=\d+)?)\s+([\d,]+)"))
            .Select(m => (Label: m.Groups[1].Value, Count: long.Parse(m.Groups[2].Value.Replace(",", ""), System.Globalization.CultureInfo.InvariantCulture))).ToArray();
        Assert.Equal(points.Select(p => p.Key).Order(), printed.Select(p => p.Label).Order());
        foreach (var (label, count) in printed)
        {
            var adapter = points.Single(p => p.Key == label).First().Spec.ResolvedAdapter;
            Assert.True(count == ParameterAccounting.FromConfig(ClipConfig.VitB16, adapter).Total.Parameters, $"{label}: header {count:N0}, formula {ParameterAccounting.FromConfig(ClipConfig.VitB16, adapter).Total.Parameters:N0}");
        }
        Assert.Contains(printed, p => p.Label == "Block-LoRA r=2 n=8" && p.Count == 103_680);
    }

    [Fact]
    public void Paper_files_vary_what_their_descriptions_say()
    {
        var paper = WorkbookProfile.Paper(RepoRoot);
        var rankBlocks = SweepGridFile.Read(paper.AblationFile("ablation-rank-blocks"));
        Assert.Equal(["1", "2", "4", "8"], rankBlocks.Axes.Single(a => a.Key == "rank").Values);
        Assert.Equal(["2", "4", "8", "16"], rankBlocks.Axes.Single(a => a.Key == "blocks").Values);
        Assert.Equal(["block-lora"], rankBlocks.Fixed.Single(f => f.Key == "method").Values);
        Assert.Equal(["1", "2", "4", "8"], rankBlocks.Include.Select(p => p.Single(s => s.Key == "rank").Values[0]));
        Assert.All(rankBlocks.Include, p => Assert.Equal("lora", p.Single(s => s.Key == "method").Values[0]));
        var targets = SweepGridFile.Read(paper.AblationFile("ablation-targets"));
        Assert.Equal(["q,k,v", "v,o", "q,k,v,o", "all"], targets.Axes.Single().Values);
        Assert.All(targets.Axes.Single().Values, v => AdapterTargetNames.Parse(v));
        var encoders = SweepGridFile.Read(paper.AblationFile("ablation-encoders"));
        Assert.Equal(["vision", "text", "both"], encoders.Axes.Single().Values);
        // Both fix r and n at the profile's adapter (a file defines its runs whole).
        Assert.All(new[] { targets, encoders }, g => Assert.Equal([paper.Adapter.Rank.ToString(), paper.Adapter.Blocks.ToString()],
            new[] { "rank", "blocks" }.Select(k => g.Fixed.Single(f => f.Key == k).Values[0])));
    }

    [Fact]
    public void Missing_or_bad_grid_file_is_one_line_naming_the_file()
    {
        string root = Fixtures.TempDir();
        File.WriteAllText(Path.Combine(root, "BlockLora.Research.sln"), "");
        var profile = WorkbookProfile.Smoke(RepoRoot) with { RepoRoot = root };
        Directory.CreateDirectory(profile.ExperimentsDir);
        File.WriteAllText(Path.Combine(profile.ExperimentsDir, "ablation-bad.yaml"), "grid:\n  targets: [q,k,v, v,o]\n");
        File.WriteAllText(Path.Combine(profile.ExperimentsDir, "ablation-zero.yaml"), "grid:\n  rank: 0 | 2\n");

        var missing = Assert.Throws<FileNotFoundException>(() => WorkbookExperiments.Ablation(profile, "ablation-nope"));
        Assert.DoesNotContain('\n', missing.Message);
        Assert.Contains(Path.Combine(profile.ExperimentsDir, "ablation-nope.yaml"), missing.Message);
        Assert.Contains("ablation-bad, ablation-zero", missing.Message);

        var bad = Assert.Throws<InvalidDataException>(() => WorkbookExperiments.Ablation(profile, "ablation-bad.yaml"));
        Assert.DoesNotContain('\n', bad.Message);
        Assert.Contains("ablation-bad.yaml:2", bad.Message);

        var zero = Assert.Throws<InvalidDataException>(() => WorkbookExperiments.Ablation(profile, "ablation-zero"));
        Assert.DoesNotContain('\n', zero.Message);
        Assert.Contains("ablation-zero.yaml", zero.Message);
        Assert.Contains("rank", zero.Message);

        Assert.Throws<ArgumentException>(() => profile.AblationFile("../smoke/ablation-targets"));
    }
}
