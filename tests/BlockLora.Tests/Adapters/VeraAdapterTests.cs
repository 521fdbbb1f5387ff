using BlockLora.Adapters;
using BlockLora.Checkpoints;
using BlockLora.Clip;
using BlockLora.Data;
using BlockLora.IO;
using BlockLora.Tests.Cli;
using BlockLora.Tests.Data;
using BlockLora.Torch;
using BlockLora.Training;
using static TorchSharp.torch;

namespace BlockLora.Tests.Adapters;

/// <summary>VeRA: frozen shared random projections regenerated from the seed, trained λ_d and λ_b only.</summary>
public class VeraAdapterTests
{
    private static readonly AdapterConfig Vera = new() { Method = AdapterMethod.Vera, Rank = 4, Dropout = 0, Seed = 3 };

    private static Tensor Random(long[] shape, ulong seed)
    {
        using var generator = new Generator(seed);
        return randn(shape, generator: generator);
    }

    [Fact]
    public void With_lambda_b_zero_the_model_computes_the_base_exactly()
    {
        using var scope = NewDisposeScope();
        var clip = TinyClip.Config();
        using var model = TinyClip.Create(clip);
        var pixels = TinyClip.Pixels(clip);
        var tokens = TinyClip.Tokens(clip);
        using var _ = no_grad();
        var image = model.EncodeImage(pixels);
        var text = model.EncodeText(tokens);
        using var set = AdapterInjector.Inject(model, Vera);
        foreach (var adapter in set.Adapters.Values.Cast<VeraAdapter>())
        {
            Assert.True(adapter.LambdaB.abs().max().item<float>() == 0);
            Assert.True(TinyClip.BitIdentical(adapter.LambdaD, full(4, 0.1f)));
        }
        Assert.True(TinyClip.BitIdentical(image, model.EncodeImage(pixels)));
        Assert.True(TinyClip.BitIdentical(text, model.EncodeText(tokens)));
    }

    [Fact]
    public void D_initial_sets_every_lambda_d_is_recorded_in_the_file_and_read_back()
    {
        using var scope = NewDisposeScope();
        var clip = TinyClip.Config();
        string dir = Fixtures.TempDir();
        var config = Vera with { VeraDInitial = 0.5 };
        using (var model = TinyClip.Create(clip))
        {
            var pixels = TinyClip.Pixels(clip);
            Tensor image;
            using (no_grad()) image = model.EncodeImage(pixels);
            using var set = AdapterInjector.Inject(model, config);
            foreach (var adapter in set.Adapters.Values.Cast<VeraAdapter>())
                Assert.True(TinyClip.BitIdentical(adapter.LambdaD.detach(), full(4, 0.5f)));
            using (no_grad()) Assert.True(TinyClip.BitIdentical(image, model.EncodeImage(pixels)));   // λ_b = 0: still the base
            AdapterFile.Save(Path.Combine(dir, "d05.safetensors"), set);
        }
        using (var set = AdapterInjector.Create(clip, Vera)) AdapterFile.Save(Path.Combine(dir, "d01.safetensors"), set);

        var summary = AdapterFile.Describe(Path.Combine(dir, "d05.safetensors"));
        Assert.Equal("0.5", summary.Metadata[AdapterMetadata.Key.VeraDInitial]);
        Assert.Equal(0.5, summary.Config.VeraDInitial);
        Assert.Equal("0.1", AdapterFile.Describe(Path.Combine(dir, "d01.safetensors")).Metadata[AdapterMetadata.Key.VeraDInitial]);
        using var loaded = AdapterFile.Load(Path.Combine(dir, "d05.safetensors"), clip);
        Assert.Equal(config, loaded.Config);

        // A VeRA file from before the option (no key) started from PEFT's 0.1.
        var raw = SafeTensorsFile.Load(Path.Combine(dir, "d01.safetensors"));
        var older = raw.Metadata.Where(p => p.Key != AdapterMetadata.Key.VeraDInitial).ToDictionary(p => p.Key, p => p.Value);
        SafeTensorsFile.Save(Path.Combine(dir, "older.safetensors"), raw.Tensors, older);
        foreach (var t in raw.Tensors.Values) t.Dispose();
        Assert.Equal(VeraAdapter.DefaultDInitial, AdapterFile.Describe(Path.Combine(dir, "older.safetensors")).Config.VeraDInitial);
    }

    [Theory]
    [InlineData(AdapterMethod.Lora, 0.5, "--vera-d-initial sets VeRA's initial λ_d; lora has no λ_d")]
    [InlineData(AdapterMethod.Vera, 0.0, "vera d_initial must be finite and non-zero")]
    [InlineData(AdapterMethod.Vera, double.NaN, "vera d_initial must be finite and non-zero")]
    public void D_initial_off_vera_or_zero_is_refused_in_one_line(AdapterMethod method, double dInitial, string message)
    {
        var error = Assert.Throws<ArgumentException>(new AdapterConfig { Method = method, Rank = 4, VeraDInitial = dInitial }.Validate);
        Assert.Contains(message, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Projections_for_a_fixed_seed_and_shape_have_the_committed_checksum()
    {
        // Computed once with this library's generator and committed: any process, machine or device regenerates these bytes.
        Assert.Equal("27d84ae788268733", VeraProjections.Checksum(seed: 1, rank: 4, kMax: 64, dMax: 48));
        Assert.Equal(VeraProjections.Checksum(1, 4, 64, 48), VeraProjections.Checksum(1, 4, 64, 48));
        Assert.NotEqual(VeraProjections.Checksum(1, 4, 64, 48), VeraProjections.Checksum(2, 4, 64, 48));
        var (a, b) = VeraProjections.Generate(1, 4, 64, 48);
        using (a)
        using (b)
        {
            Assert.Equal(new long[] { 4, 64 }, a.shape);
            Assert.Equal(new long[] { 48, 4 }, b.shape);
            // PEFT's _kaiming_init: U(−√(6/fan_in), √(6/fan_in)), fan_in k_max for A and r for B.
            Assert.True(a.abs().max().item<float>() <= Math.Sqrt(6.0 / 64));
            Assert.True(b.abs().max().item<float>() <= Math.Sqrt(6.0 / 4));
        }
    }

    [Fact]
    public void Every_matrix_slices_one_shared_pair_of_projections()
    {
        using var scope = NewDisposeScope();
        var clip = TinyClip.Config();
        using var set = AdapterInjector.Create(clip, Vera with { Targets = AdapterTargets.All });
        var adapters = set.Adapters.Values.Cast<VeraAdapter>().ToList();
        long kMax = set.Matrices.Max(m => m.InFeatures), dMax = set.Matrices.Max(m => m.OutFeatures);
        var (a, b) = VeraProjections.Generate(Vera.Seed, Vera.Rank, kMax, dMax);
        foreach (var adapter in adapters)
        {
            Assert.True(TinyClip.BitIdentical(adapter.ProjectionA, a.slice(1, 0, adapter.InFeatures, 1)));
            Assert.True(TinyClip.BitIdentical(adapter.ProjectionB, b.slice(0, 0, adapter.OutFeatures, 1)));
            Assert.False(adapter.ProjectionA.requires_grad);
        }
        Assert.Equal(2 * adapters.Count, set.NamedParameters().Count());
    }

    [Theory]
    [InlineData(AdapterTargets.Qkv)]
    [InlineData(AdapterTargets.All)]
    public void Forward_equals_the_dense_reference_and_merge_round_trips_bit_for_bit(AdapterTargets targets)
    {
        using var scope = NewDisposeScope();
        var clip = TinyClip.Config();
        using var model = TinyClip.Create(clip);
        var snapshot = TinyClip.Snapshot(model);
        var pixels = TinyClip.Pixels(clip);
        var tokens = TinyClip.Tokens(clip);
        using var set = AdapterInjector.Inject(model, Vera with { Targets = targets });
        TinyClip.Randomize(set);
        using var _ = no_grad();
        long kMax = set.Matrices.Max(m => m.InFeatures), dMax = set.Matrices.Max(m => m.OutFeatures);
        var (a, b) = VeraProjections.Generate(Vera.Seed, Vera.Rank, kMax, dMax);
        foreach (var matrix in set.Matrices)
        {
            var adapter = (VeraAdapter)set.Adapters[matrix.Path];
            var w0 = Random([matrix.OutFeatures, matrix.InFeatures], 5);
            var x = Random([3, matrix.InFeatures], 6);
            // W0 + diag(λ_b) B[:d] diag(λ_d) A[:, :k]
            var dense = w0 + diag(adapter.LambdaB).matmul(b.slice(0, 0, matrix.OutFeatures, 1)).matmul(diag(adapter.LambdaD)).matmul(a.slice(1, 0, matrix.InFeatures, 1));
            var frozen = new FrozenLinear(w0, null);
            var y = adapter.Forward(x, x.matmul(w0.t()), frozen, training: false);
            Assert.True(TinyClip.RelativeError(y, x.matmul(dense.t())) < 1e-5);
            Assert.True(TinyClip.RelativeError(adapter.MergedWeight(frozen), dense) < 1e-5);
        }

        var image = model.EncodeImage(pixels);
        var text = model.EncodeText(tokens);
        for (int i = 0; i < 100; i++)
        {
            set.MergeAll();
            if (i == 0)
            {
                Assert.True(TinyClip.RelativeError(model.EncodeImage(pixels), image) < 1e-5);
                Assert.True(TinyClip.RelativeError(model.EncodeText(tokens), text) < 1e-5);
            }
            set.UnmergeAll();
        }
        Assert.Empty(TinyClip.ChangedSince(model, snapshot));
        Assert.True(TinyClip.BitIdentical(image, model.EncodeImage(pixels)));
        TinyClip.Dispose(snapshot);
    }

    [Fact]
    public void Save_then_load_round_trips_and_regenerates_the_projections()
    {
        using var scope = NewDisposeScope();
        var clip = TinyClip.Config();
        string path = Path.Combine(Fixtures.TempDir(), "vera.safetensors");
        using var set = AdapterInjector.Create(clip, Vera);
        TinyClip.Randomize(set);
        AdapterFile.Save(path, set);
        var raw = SafeTensorsFile.Load(path);
        Assert.Equal(2 * set.Matrices.Count, raw.Tensors.Count);                 // λ only, never A or B
        Assert.All(raw.Tensors.Keys, k => Assert.Matches(@"\.vera_lambda_[db]$", k));
        Assert.Equal("vera", raw.Metadata["method"]);
        Assert.Equal("3", raw.Metadata["seed"]);
        Assert.Equal("32", raw.Metadata["vera_k_max"]);
        Assert.Equal("32", raw.Metadata["vera_d_max"]);
        foreach (var t in raw.Tensors.Values) t.Dispose();

        using var loaded = AdapterFile.Load(path, clip);
        Assert.Equal(Vera, loaded.Config);
        foreach (var matrix in set.Matrices)
        {
            var (expected, actual) = ((VeraAdapter)set.Adapters[matrix.Path], (VeraAdapter)loaded.Adapters[matrix.Path]);
            Assert.True(TinyClip.BitIdentical(expected.LambdaD, actual.LambdaD));
            Assert.True(TinyClip.BitIdentical(expected.LambdaB, actual.LambdaB));
            Assert.True(TinyClip.BitIdentical(expected.ProjectionA, actual.ProjectionA));
            Assert.True(TinyClip.BitIdentical(expected.ProjectionB, actual.ProjectionB));
        }
    }

    private static string Rewritten(string path, string key, string value)
    {
        var raw = SafeTensorsFile.Load(path);
        var metadata = raw.Metadata.ToDictionary(p => p.Key, p => p.Value);
        metadata[key] = value;
        string output = Path.Combine(Path.GetDirectoryName(path)!, $"{key}-{value}.safetensors");
        SafeTensorsFile.Save(output, raw.Tensors, metadata);
        foreach (var t in raw.Tensors.Values) t.Dispose();
        return output;
    }

    [Theory]
    [InlineData("seed", "4", "regenerates VeRA projections with checksum")]
    [InlineData("vera_k_max", "64", "VeRA metadata 'vera_k_max' is '64' but this base's adapted matrices need 32")]
    [InlineData("vera_d_max", "16", "VeRA metadata 'vera_d_max' is '16' but this base's adapted matrices need 32")]
    public void A_file_whose_seed_or_shapes_do_not_match_the_base_is_refused_in_one_line(string key, string value, string message)
    {
        var clip = TinyClip.Config();
        string path = Path.Combine(Fixtures.TempDir(), "vera.safetensors");
        using (var set = AdapterInjector.Create(clip, Vera)) AdapterFile.Save(path, set);
        string bad = Rewritten(path, key, value);
        var error = Assert.Throws<AdapterFileException>(() => AdapterFile.Load(bad, clip).Dispose());
        Assert.StartsWith(bad + ": ", error.Message);
        Assert.Contains(message, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void A_child_process_regenerates_the_same_projections_and_refuses_a_wrong_seed_with_exit_2()
    {
        string model = Fixtures.ClipTiny("openai.safetensors");
        string path = Path.Combine(Fixtures.TempDir(), "vera.safetensors");
        using (var clip = ClipCheckpoint.Load(model))
        using (var set = AdapterInjector.Create(clip.Config, Vera))
            AdapterFile.Save(path, set);
        // The child regenerates A and B from the seed and checks them against the checksum this process wrote.
        var ok = BloraProcess.Run("adapter", "inspect", path, "--model", model);
        Assert.True(ok.ExitCode == 0, ok.Stderr);
        string bad = Rewritten(path, "seed", "9");
        var refused = BloraProcess.Run("adapter", "inspect", bad, "--model", model);
        Assert.Equal(2, refused.ExitCode);
        var lines = refused.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains(bad, lines[0]);
        Assert.Contains("regenerates VeRA projections", lines[0]);
    }

    [Theory]
    [InlineData(AdapterTargets.Qkv, 4)]
    [InlineData(AdapterTargets.All, 7)]
    public void Parameter_count_is_r_plus_d_per_matrix_and_the_formula_equals_the_live_count(AdapterTargets targets, int rank)
    {
        var clip = TinyClip.Config();
        var config = Vera with { Targets = targets, Rank = rank };
        using var set = AdapterInjector.Create(clip, config);
        var formula = ParameterAccounting.FromConfig(clip, config);
        var live = ParameterAccounting.FromAdapterSet(set);
        long expected = set.Matrices.Sum(m => rank + m.OutFeatures);
        Assert.Equal(expected, formula.Total.Parameters);
        Assert.Equal(expected, live.Total.Parameters);
        Assert.Equal(formula.Total, live.Total);
        Assert.Equal(expected, set.NamedParameters().Sum(p => p.Parameter.numel()));
    }

    [Fact]
    public void Training_on_the_fixture_clip_lowers_the_loss()
    {
        var tiny = TinyCoOpDataset.Create(Fixtures.TempDir(), 4, trainPerClass: 6, testPerClass: 3, seed: 5);
        var splits = DatasetReader.Read(tiny.Root, tiny.DatasetName);
        var selection = FewShotSampler.Sample(splits, 4, 1);
        var train = new TrainConfig { Iterations = 24, Precision = Precision.Fp32, BatchSize = 8, LearningRate = 5e-2, MinLearningRate = 1e-4, DataWorkers = 2, CheckpointEvery = 0 };
        using var model = ClipCheckpoint.Load(Fixtures.ClipTiny("openai.safetensors"));
        using var set = AdapterInjector.Inject(model, Vera with { Rank = 16 });
        var result = new Trainer(model, set, train).Train(selection, new TrainSession { Identity = "vera" });
        double firstLoss = result.Curve.Take(4).Average(p => p.Loss);
        double lastLoss = result.Curve.TakeLast(4).Average(p => p.Loss);
        Assert.True(lastLoss < firstLoss, $"loss {firstLoss:F3} → {lastLoss:F3}");
    }

    [Fact]
    public void Dora_over_vera_is_refused_with_one_line()
    {
        var config = new AdapterConfig { Method = AdapterMethod.Vera, Rank = 4, Dora = true };
        var error = Assert.Throws<ArgumentException>(config.Validate);
        Assert.Contains("--dora goes with an additive low-rank method", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }
}
