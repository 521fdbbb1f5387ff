using BlockLora.Adapters;
using BlockLora.Checkpoints;
using BlockLora.Clip;
using BlockLora.Torch;
using BlockLora.Training;
using static TorchSharp.torch;

namespace BlockLora.Workbook.Doctor;

/// <summary>
/// Block-LoRA on the fixture's CLIP at the run's device and precision, through the library's own training step
/// (<see cref="TrainingStep"/>, as <see cref="Trainer"/> runs it): a few steps on one batch must give finite losses that
/// fall, gradients on the adapters only and base weights untouched; then merging must compute what the unmerged model
/// did, and unmerging must give back every base weight bit for bit.
/// </summary>
public static class AdapterSelfTest
{
    public const int Steps = 8;
    /// <summary>Merged and unmerged logits (100 · cosine) agree to this at fp32; a half-precision merge rounds W0 + ΔW once more.</summary>
    public const double MergedLogitTolerance = 1e-3;
    public const double MergedLogitToleranceHalf = 1.0;

    public static IEnumerable<DoctorCheck> Run(DoctorConfig config, ComputeTarget target)
    {
        var expected = DoctorFixture.Expected(config.FixtureDir);
        using var model = ClipCheckpoint.Load(DoctorFixture.ModelPath(config.FixtureDir));
        ModelPlacement.Place(model, target);
        var adapterConfig = AdapterConfig.Of(AdapterMethod.BlockLora, seed: 1, new AdapterOptions { Rank = 2, Blocks = 4, Dropout = 0 });
        using var adapters = AdapterInjector.Inject(model, adapterConfig);
        var baseBefore = Snapshot(model);
        string precision = PrecisionSelection.Name(target.DType);

        // Three images, and the first three fixture prompts as their classes; the text encoder is adapted too, so the
        // step re-encodes the prompts with gradients.
        using var pixels = expected["pixels"].narrow(0, 0, 3).to(target.Device);
        using var tokens = expected["tokens"].narrow(0, 0, 3).to(target.Device);
        using var labels = arange(3, dtype: ScalarType.Int64).to(target.Device);
        using var optimizer = optim.AdamW(adapters.TrainableParameters(), 1e-2);
        var step = new TrainingStep(model, optimizer, tokens, cachedText: null, logitScale: 100, target.DType == ScalarType.Float16 ? new LossScaler() : null);
        var losses = new List<double>();
        model.train();
        try
        {
            for (int i = 0; i < Steps; i++)
            {
                using var scope = NewDisposeScope();
                random.manual_seed(i);
                var (loss, _) = step.Run(pixels, labels);
                losses.Add(loss.item<float>());
            }
        }
        finally
        {
            model.eval();
        }
        bool finite = losses.All(double.IsFinite);
        yield return new DoctorCheck($"training step {precision}",
            $"{Steps} steps on one batch: every loss finite, the last below the first",
            $"loss {losses[0]:0.0000} → {losses[^1]:0.0000}{(finite ? "" : " (not finite)")}", finite && losses[^1] < losses[0]);

        var trainable = adapters.TrainableParameters();
        int adapterGrads = trainable.Count(p => p.grad is { } g && g.abs().sum().item<float>() > 0);
        var baseParameters = model.parameters().ToArray();
        int baseGrads = baseParameters.Count(p => p.requires_grad || p.grad is not null);
        int changed = Changed(model, baseBefore);
        yield return new DoctorCheck("gradients",
            $"nonzero on all {trainable.Count} adapter tensors; none on the {baseParameters.Length} base tensors, which stay bit for bit",
            $"{adapterGrads} adapter tensors with a gradient, {baseGrads} base tensors trainable or with a gradient, {changed} changed",
            adapterGrads == trainable.Count && baseGrads == 0 && changed == 0);

        using var _ = no_grad();
        using var unmerged = Logits(model, pixels, tokens);
        adapters.MergeAll();
        int mergedChanged = Changed(model, baseBefore);
        using var merged = Logits(model, pixels, tokens);
        adapters.UnmergeAll();
        double mergeDiff = (merged - unmerged).abs().max().item<float>();
        int restoredDiffer = Changed(model, baseBefore);
        double tolerance = target.DType == ScalarType.Float32 ? MergedLogitTolerance : MergedLogitToleranceHalf;
        yield return new DoctorCheck("merge/unmerge",
            $"merged logits = unmerged within {tolerance:g}; unmerge restores all {adapters.Count} merged weights bit for bit",
            $"max |Δlogit| {mergeDiff:0.0e+0}, {mergedChanged} weights changed by the merge, {restoredDiffer} differ after unmerge",
            mergeDiff <= tolerance && mergedChanged == adapters.Count && restoredDiffer == 0);
        foreach (var tensor in baseBefore.Values) tensor.Dispose();
    }

    private static Tensor Logits(ClipModel model, Tensor pixels, Tensor tokens)
    {
        using var scope = NewDisposeScope();
        return model.Logits(model.EncodeImage(pixels), model.EncodeText(tokens)).MoveToOuterDisposeScope();
    }

    private static Dictionary<string, Tensor> Snapshot(ClipModel model) =>
        model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());

    /// <summary>How many base parameters are no longer bit-identical to <paramref name="snapshot"/>.</summary>
    private static int Changed(ClipModel model, Dictionary<string, Tensor> snapshot) =>
        model.named_parameters().Count(p => !p.parameter.detach().equal(snapshot[p.name]).all().item<bool>());
}
