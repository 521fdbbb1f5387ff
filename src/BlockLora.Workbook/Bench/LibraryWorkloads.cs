using System.Diagnostics;
using BlockLora.Adapters;
using BlockLora.Clip;
using BlockLora.Data;
using BlockLora.Torch;
using BlockLora.Training;
using static TorchSharp.torch;

namespace BlockLora.Workbook.Bench;

/// <summary>
/// The C# side of every <see cref="BenchCase"/>, run through the library's own code paths (the Trainer's
/// <see cref="TrainingStep"/>, <see cref="ClipModel.EncodeImage"/>, the adapters' Forward, the merge) on
/// one model. Adapter sets are made once per case and attached only while their case runs (attaching is
/// bookkeeping, no tensor work), so cases can interleave round by round and each set keeps its AdamW state.
/// What a case needs beforehand (attach, merge) happens outside the timed part; each timed sample runs in
/// its own dispose scope, as a training loop's step does.
/// </summary>
public sealed class LibraryWorkloads : IDisposable
{
    private readonly ClipModel model;
    private readonly BenchConfig config;
    private readonly Device device;
    private readonly Tensor pixels;
    private readonly Tensor labels;
    private readonly Tensor tokens;
    private readonly Tensor cachedText;
    private readonly Dictionary<AdapterConfig, (AdapterSet Set, optim.Optimizer Optimizer, TrainingStep Step)> sets = [];
    private readonly Lazy<(Tensor Vision, Tensor Text)> adapterInputs;
    private readonly Lazy<(Tensor Q, Tensor K, Tensor V)> attentionInputs;
    private readonly Lazy<(Tensor A, Tensor B)> gemmInputs;
    private readonly Lazy<SyntheticJpegs> images;
    private readonly Lazy<Dictionary<string, AdaptableLinear>> slots;
    // Zero base outputs per (tower, d), for the adapters-only case: each adapter runs through the slot's contract, which
    // adds its path to (or, DoRA, rescales) a base output.
    private readonly Dictionary<(AdapterEncoders Encoder, long OutFeatures), Tensor> zeroBaseOutputs = [];
    private OnnxEvalWorkload? onnx;
    private readonly bool forMemory;

    /// <param name="tokens">The class prompts' token ids [classes, context].</param>
    /// <param name="forMemory">The workloads are run for peak memory, not time: ONNX Runtime then allocates from the
    /// system rather than from its arena, which after the first run would hold every buffer and show no rise.</param>
    public LibraryWorkloads(ClipModel model, BenchConfig config, Tensor tokens, Device device, bool forMemory = false)
    {
        this.forMemory = forMemory;
        this.model = model;
        this.config = config;
        this.device = device;
        AdapterInjector.FreezeBase(model);
        model.eval();
        var c = model.Config;
        using var generator = new Generator(2);
        pixels = Keep(randn([config.Batch, 3, c.ImageResolution, c.ImageResolution], generator: generator).to(device));
        labels = Keep((arange(config.Batch, dtype: ScalarType.Int64) % tokens.shape[0]).to(device));
        this.tokens = Keep(tokens.to(device));
        cachedText = Keep(TrainingStep.FrozenTextFeatures(model, this.tokens));
        adapterInputs = new(() =>
        {
            using var g = new Generator(3);
            long visionTokens = config.Batch * (c.GridSize * c.GridSize + 1);
            long textTokens = this.tokens.shape[0] * UsedTextPositions;
            return (Keep(randn([visionTokens, c.VisionWidth], generator: g).to(device).to(model.ComputeDType)), Keep(randn([textTokens, c.TextWidth], generator: g).to(device).to(model.ComputeDType)));
        });
        attentionInputs = new(() =>
        {
            using var g = new Generator(4);
            long[] shape = [config.Batch, c.VisionHeads, c.GridSize * c.GridSize + 1, c.VisionWidth / c.VisionHeads];
            return (Keep(randn(shape, generator: g).to(device).to(model.ComputeDType)), Keep(randn(shape, generator: g).to(device).to(model.ComputeDType)), Keep(randn(shape, generator: g).to(device).to(model.ComputeDType)));
        });
        gemmInputs = new(() =>
        {
            using var g = new Generator(5);
            long n = config.GemmSize;
            return (Keep(randn([n, n], generator: g).to(device).to(model.ComputeDType)), Keep(randn([n, n], generator: g).to(device).to(model.ComputeDType)));
        });
        images = new(() => SyntheticJpegs.Create(2 * config.Batch));
        slots = new(() => model.AdaptableSlots().ToDictionary(s => s.Path, s => s.Slot, StringComparer.Ordinal));
    }

    /// <summary>Positions the text tower runs over once it cuts at the last end-of-text token.</summary>
    public int UsedTextPositions => (int)(tokens.argmax(-1).max().item<long>() + 1);

    /// <summary>
    /// Runs a case <paramref name="inner"/> times back to back; returns seconds per run and, with
    /// <paramref name="trackMemory"/>, the peak RSS growth. Tracking trims the heap first, so the sample
    /// also pays for faulting its memory back in: the runner tracks memory only after all timed rounds, on a fresh model.
    /// </summary>
    public BenchSample Measure(BenchCase benchCase, int inner, bool trackMemory = false)
    {
        var attached = Prepare(benchCase);
        try
        {
            long before = trackMemory ? PeakMemory.Reset() : 0;
            var clock = Stopwatch.StartNew();
            double seconds = 0;
            for (int i = 0; i < inner; i++) seconds += Execute(benchCase, attached);
            if (benchCase.Kind != BenchKind.Data) seconds = clock.Elapsed.TotalSeconds;
            long peak = trackMemory ? Math.Max(0, PeakMemory.Peak() - before) : 0;
            return new BenchSample(seconds / inner, peak);
        }
        finally
        {
            attached?.Set.Detach();
        }
    }

    private (AdapterSet Set, optim.Optimizer Optimizer, TrainingStep Step)? Prepare(BenchCase benchCase)
    {
        // Inputs are made before the clock (and the memory mark) starts.
        _ = benchCase.Kind switch
        {
            BenchKind.Adapter => adapterInputs.Value.Vision,
            BenchKind.Attention => attentionInputs.Value.Q,
            BenchKind.Gemm => gemmInputs.Value.A,
            _ => null,
        };
        if (benchCase.Kind == BenchKind.Data) _ = images.Value;
        if (benchCase.Adapter is not { } adapterConfig) return null;
        if (sets.TryGetValue(adapterConfig, out var entry))
        {
            entry.Set.AttachTo(model);
        }
        else
        {
            var set = AdapterInjector.Create(model.Config, adapterConfig, device);
            set.AttachTo(model);           // DoRA's m starts at ‖W0‖ here
            set.InitializeFromBase();      // PiSSA's A, B and frozen A0, B0 from W0's SVD; nothing for the others
            RandomizeUp(set);
            var optimizer = optim.AdamW(set.TrainableParameters(), 2e-4, 0.9, 0.999, eps: 1e-8, weight_decay: 1e-2);
            bool textAdapted = adapterConfig.Encoders.HasFlag(AdapterEncoders.Text);
            entry = (set, optimizer, new TrainingStep(model, optimizer, tokens, textAdapted ? null : cachedText, 100));
            sets[adapterConfig] = entry;
        }
        if (benchCase.Kind == BenchKind.Adapter)
        {
            foreach (var m in entry.Set.Matrices.Where(m => !zeroBaseOutputs.ContainsKey((m.Encoder, m.OutFeatures))))
            {
                var x = m.Encoder == AdapterEncoders.Vision ? adapterInputs.Value.Vision : adapterInputs.Value.Text;
                zeroBaseOutputs[(m.Encoder, m.OutFeatures)] = Keep(zeros([x.shape[0], m.OutFeatures], x.dtype, device));
            }
        }
        if (benchCase.Variant is "merged" or "onnx") entry.Set.MergeAll();
        // Exported once, from the merged weights, before any clock starts.
        if (benchCase.Variant == "onnx") onnx ??= new OnnxEvalWorkload(model, pixels, config.Threads, arena: !forMemory);
        return entry;
    }

    /// <summary>One run of the case; returns the seconds to count (data cases time only their own part).</summary>
    private double Execute(BenchCase benchCase, (AdapterSet Set, optim.Optimizer Optimizer, TrainingStep Step)? attached)
    {
        using var scope = NewDisposeScope();
        switch (benchCase.Kind)
        {
            case BenchKind.Gemm:
            {
                using var _ = no_grad();
                Sync(gemmInputs.Value.A.matmul(gemmInputs.Value.B));
                return 0;
            }
            case BenchKind.Frozen:
            {
                using var _ = no_grad();
                var image = model.EncodeImage(pixels);
                var logits = 100 * L2.Normalize(image).matmul(cachedText.t());
                Sync(nn.functional.cross_entropy(logits, labels));
                return 0;
            }
            case BenchKind.Train:
            {
                model.train();
                try
                {
                    var (loss, _) = attached!.Value.Step.Run(pixels, labels);
                    loss.item<float>(); // the Trainer reads the loss every step too
                }
                finally
                {
                    model.eval();
                }
                return 0;
            }
            case BenchKind.Adapter:
            {
                using var _ = no_grad();
                var (vision, text) = adapterInputs.Value;
                foreach (var matrix in attached!.Value.Set.Matrices)
                {
                    var adapter = attached.Value.Set.Adapters[matrix.Path];
                    var frozen = slots.Value[matrix.Path].Frozen;
                    var x = matrix.Encoder == AdapterEncoders.Vision ? vision : text;
                    var baseOutput = zeroBaseOutputs[(matrix.Encoder, matrix.OutFeatures)];
                    // Each output is freed at once, as the model's blocks free theirs (and as Python's refcount does).
                    using var _scope = NewDisposeScope();
                    Sync(benchCase.Variant == "dense-delta" ? DenseDeltaForward(adapter, x, baseOutput, frozen) : adapter.Forward(x, baseOutput, frozen, training: false));
                }
                return 0;
            }
            case BenchKind.Eval when benchCase.Variant == "onnx":
                onnx!.Run();
                return 0;
            case BenchKind.Eval:
            {
                using var _ = no_grad();
                Sync(model.EncodeImage(pixels));
                return 0;
            }
            case BenchKind.Text:
            {
                using var _ = no_grad();
                Sync(model.EncodeText(tokens, truncateAtEndOfText: benchCase.Variant != "full"));
                return 0;
            }
            case BenchKind.Attention:
            {
                using var _ = no_grad();
                var (q, k, v) = attentionInputs.Value;
                Sync(benchCase.Variant == "explicit" ? ExplicitAttention.Compute(q, k, v, causal: false) : nn.functional.scaled_dot_product_attention(q, k, v));
                return 0;
            }
            case BenchKind.Data:
                return benchCase.Variant == "overlap" ? ConsumerWait() : DecodeOneBatch();
            default:
                throw new ArgumentException($"no workload for {benchCase.Kind}");
        }
    }

    /// <summary>
    /// The adapter applied through a dense ΔW = MergedWeight − W0 (fp32, then the input's dtype): what a method without a
    /// cheap factorised path would pay, building ΔW included.
    /// </summary>
    private static Tensor DenseDeltaForward(MethodAdapter adapter, Tensor x, Tensor baseOutput, FrozenLinear frozen)
    {
        var delta = adapter.MergedWeight(frozen).sub_(frozen.Weight.to(ScalarType.Float32));
        return baseOutput.add(nn.functional.linear(x, delta.to(x.dtype)));
    }

    /// <summary>Wall time until the loader hands over its first batch: decoding and augmenting it with the configured threads.</summary>
    private double DecodeOneBatch()
    {
        var clock = Stopwatch.StartNew();
        using var loader = Loader();
        using var batches = loader.GetEnumerator();
        batches.MoveNext();
        double seconds = clock.Elapsed.TotalSeconds;
        batches.Current.Dispose();
        return seconds;
    }

    /// <summary>
    /// How long a consumer waits for the next batch after computing on the current one (a frozen forward):
    /// near zero when decoding overlaps compute, the decode time when it does not.
    /// </summary>
    private double ConsumerWait()
    {
        using var loader = Loader();
        using var batches = loader.GetEnumerator();
        batches.MoveNext();
        using (var first = batches.Current)
        using (no_grad())
            Sync(model.EncodeImage(first.Pixels.to(device)));
        var waitedBefore = loader.ConsumerWaitTime;
        batches.MoveNext();
        double seconds = (loader.ConsumerWaitTime - waitedBefore).TotalSeconds;
        batches.Current.Dispose();
        return seconds;
    }

    private PrefetchingLoader Loader() =>
        new(images.Value.Items, LoaderTransform.Train(model.Config.ImageResolution),
            LoaderOptions.Training(seed: 1, config.Batch) with { MaxParallelism = config.Threads });

    /// <summary>Waits for the device (CUDA kernels are asynchronous; on the CPU this returns at once).</summary>
    private void Sync(Tensor result)
    {
        if (device.type == TorchSharp.DeviceType.CUDA) cuda.synchronize(device);
        _ = result;
    }

    /// <summary>
    /// Adds small noise to every trainable tensor that starts at zero (LoRA's B, VeRA's λ_b): a nonzero up-projection makes
    /// merged weights differ from the base, as after training. Tensors that start elsewhere (A, DoRA's m, PiSSA's B0-valued
    /// B, VeRA's λ_d) keep their initialisation.
    /// </summary>
    private static void RandomizeUp(AdapterSet set)
    {
        using var generator = new Generator(6);
        using var _ = no_grad();
        foreach (var (_, parameter) in set.TrainableNamedParameters())
        {
            using var scope = NewDisposeScope();
            if (parameter.count_nonzero().item<long>() != 0) continue;
            var noise = randn(parameter.shape, generator: generator) * 0.01;
            parameter.add_(noise.to(parameter.dtype).to(parameter.device));
        }
    }

    private static Tensor Keep(Tensor t)
    {
        t.DetachFromDisposeScope();
        return t;
    }

    public void Dispose()
    {
        foreach (var (set, optimizer, _) in sets.Values)
        {
            set.Dispose();
            optimizer.Dispose();
        }
        sets.Clear();
        foreach (var t in new[] { pixels, labels, tokens, cachedText }.Concat(zeroBaseOutputs.Values)) t.Dispose();
        zeroBaseOutputs.Clear();
        if (adapterInputs.IsValueCreated) { adapterInputs.Value.Vision.Dispose(); adapterInputs.Value.Text.Dispose(); }
        if (attentionInputs.IsValueCreated) { attentionInputs.Value.Q.Dispose(); attentionInputs.Value.K.Dispose(); attentionInputs.Value.V.Dispose(); }
        if (gemmInputs.IsValueCreated) { gemmInputs.Value.A.Dispose(); gemmInputs.Value.B.Dispose(); }
        if (images.IsValueCreated) images.Value.Dispose();
        onnx?.Dispose();
    }
}
