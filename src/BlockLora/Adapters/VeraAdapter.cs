using System.Globalization;
using System.Runtime.InteropServices;
using BlockLora.Clip;
using BlockLora.Torch;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BlockLora.Adapters;

/// <summary>
/// VeRA (Kopiczko et al., 2024; PEFT's <c>tuners/vera</c>): one pair of FROZEN random matrices A [r, k_max] and
/// B [d_max, r] shared by every adapted matrix, sliced to each one's shape (A[:, :k], B[:d, :]); each matrix trains only
/// two scaling vectors λ_d [r] and λ_b [d]: ΔW·x = λ_b ⊙ (B·(λ_d ⊙ (A·x))), with no alpha scaling (as PEFT).
/// A and B are regenerated from the config's seed with this library's generator (see <see cref="VeraProjections"/>) and
/// never stored; λ_b starts at 0 (the model starts as the base), λ_d at <see cref="AdapterOptions.VeraDInitial"/> (PEFT's d_initial, 0.1 by default).
/// </summary>
public sealed class VeraAdapter : MethodAdapter
{
    /// <summary>The file suffix of λ_d [r].</summary>
    public const string LambdaDName = "vera_lambda_d";

    /// <summary>The file suffix of λ_b [d].</summary>
    public const string LambdaBName = "vera_lambda_b";

    /// <summary>PEFT's default d_initial, the initial value of every λ_d.</summary>
    public const double DefaultDInitial = 0.1;

    private Parameter lambdaD;
    private Parameter lambdaB;
    private Tensor projectionA;
    private Tensor projectionB;

    /// <param name="sharedA">The shared A [r, k_max] (frozen; sliced here, not copied).</param>
    /// <param name="sharedB">The shared B [d_max, r].</param>
    public VeraAdapter(Tensor sharedA, Tensor sharedB, long inFeatures, long outFeatures, double dropout, double dInitial = DefaultDInitial)
    {
        if (inFeatures <= 0 || outFeatures <= 0) throw new ArgumentException($"adapter shape {outFeatures}x{inFeatures} must be positive");
        if (!(dropout >= 0 && dropout < 1)) throw new ArgumentException($"dropout must be in [0, 1), got {dropout}");
        if (sharedA.ndim != 2 || sharedB.ndim != 2 || sharedA.shape[0] != sharedB.shape[1])
            throw new ArgumentException($"VeRA projections A {Shape(sharedA)} and B {Shape(sharedB)} do not share a rank");
        if (sharedA.shape[1] < inFeatures || sharedB.shape[0] < outFeatures)
            throw new ArgumentException($"VeRA projections A {Shape(sharedA)} and B {Shape(sharedB)} are too small for a {outFeatures}x{inFeatures} matrix");
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Rank = (int)sharedA.shape[0];
        DropoutProbability = dropout;
        projectionA = sharedA.slice(1, 0, inFeatures, 1);           // [r, k], a view of the shared storage
        projectionA.DetachFromDisposeScope();
        projectionB = sharedB.slice(0, 0, outFeatures, 1);          // [d, r]
        projectionB.DetachFromDisposeScope();
        var device = sharedA.device;
        lambdaD = AdapterParameters.New(full(Rank, dInitial, ScalarType.Float32, device));
        lambdaB = AdapterParameters.New(zeros(outFeatures, ScalarType.Float32, device));
    }

    public override AdapterMethod Method => AdapterMethod.Vera;
    public override long InFeatures { get; }
    public override long OutFeatures { get; }
    public int Rank { get; }
    public double DropoutProbability { get; }

    /// <summary>λ_d [r].</summary>
    public Parameter LambdaD => lambdaD;

    /// <summary>λ_b [d].</summary>
    public Parameter LambdaB => lambdaB;

    /// <summary>This matrix's slice A[:, :k] of the shared frozen A.</summary>
    public Tensor ProjectionA => projectionA;

    /// <summary>This matrix's slice B[:d, :] of the shared frozen B.</summary>
    public Tensor ProjectionB => projectionB;

    public override IReadOnlyList<(string Name, Parameter Parameter)> NamedParameters => [(LambdaDName, lambdaD), (LambdaBName, lambdaB)];

    public override Device Device => lambdaD.device;

    public static readonly AdapterMethodRegistration Registration = new()
    {
        Method = AdapterMethod.Vera,
        Tensors =
        [
            new AdapterTensorSpec(LambdaDName, (c, d, k) => [c.Rank], c => [c.Rank]),
            new AdapterTensorSpec(LambdaBName, (c, d, k) => [d], c => [null]),
        ],
        MetadataKeys = [AdapterMetadata.Key.Rank, AdapterMetadata.Key.Dropout, AdapterMetadata.Key.VeraDInitial, AdapterMetadata.Key.VeraKMax, AdapterMetadata.Key.VeraDMax, AdapterMetadata.Key.VeraProjectionChecksum],
        Cost = (c, d, k) => CostPerMatrix(c.Rank, d, k),
        // One matrix alone: projections sized to it (a set shares projections sized by its widest matrix, CreateSet).
        Create = (matrix, config, device) => CreateSet([matrix], config, device)[0],
        CreateSet = CreateSet,
        ExtraMetadata = (config, clip) =>
        {
            var (kMax, dMax) = Widest(config.SelectMatrices(clip));
            return new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [AdapterMetadata.Key.VeraDInitial] = config.VeraDInitial.ToString("R", CultureInfo.InvariantCulture),
                [AdapterMetadata.Key.VeraKMax] = kMax.ToString(CultureInfo.InvariantCulture),
                [AdapterMetadata.Key.VeraDMax] = dMax.ToString(CultureInfo.InvariantCulture),
                [AdapterMetadata.Key.VeraProjectionChecksum] = VeraProjections.Checksum(config.Seed, config.Rank, kMax, dMax),
            };
        },
        CheckFit = CheckFit,
        ShapeReason = c => $"rank {c.Rank} (metadata)",
    };

    /// <summary>r + d parameters (λ_d, λ_b); per token r·k + d·r multiply-adds for A and B plus r + d for the two scalings; no additions.</summary>
    public static AdapterCost CostPerMatrix(int rank, long outFeatures, long inFeatures) =>
        new(rank + outFeatures, rank * inFeatures + outFeatures * rank + rank + outFeatures, 0);

    public override AdapterCost MeasuredCost()
    {
        long[] a = projectionA.shape, b = projectionB.shape;     // [r, k], [d, r]
        return new AdapterCost(lambdaD.numel() + lambdaB.numel(), a[0] * a[1] + b[0] * b[1] + lambdaD.numel() + lambdaB.numel(), 0);
    }

    /// <summary>(k_max, d_max): the widest input and output among <paramref name="matrices"/>.</summary>
    public static (long KMax, long DMax) Widest(IReadOnlyList<AdaptedMatrix> matrices) =>
        (matrices.Max(m => m.InFeatures), matrices.Max(m => m.OutFeatures));

    private static IReadOnlyList<MethodAdapter> CreateSet(IReadOnlyList<AdaptedMatrix> matrices, AdapterConfig config, Device? device)
    {
        if (matrices.Count == 0) return [];
        var (kMax, dMax) = Widest(matrices);
        var (cpuA, cpuB) = VeraProjections.Generate(config.Seed, config.Rank, kMax, dMax);
        using var a = device is null ? cpuA : cpuA.to(device);
        using var b = device is null ? cpuB : cpuB.to(device);
        if (device is not null)
        {
            cpuA.Dispose();
            cpuB.Dispose();
        }
        var created = new List<MethodAdapter>(matrices.Count);
        try
        {
            foreach (var matrix in matrices) created.Add(new VeraAdapter(a, b, matrix.InFeatures, matrix.OutFeatures, config.Dropout, config.VeraDInitial));
            return created;
        }
        catch
        {
            foreach (var adapter in created) adapter.Dispose();
            throw;
        }
    }

    private static string? CheckFit(IReadOnlyDictionary<string, string> metadata, AdapterConfig config, IReadOnlyList<AdaptedMatrix> matrices)
    {
        var (kMax, dMax) = Widest(matrices);
        if (!metadata.ContainsKey(AdapterMetadata.Key.Seed))
            return $"a VeRA adapter records the seed of its random projections, but metadata has no '{AdapterMetadata.Key.Seed}'";
        foreach (var (key, needed) in new[] { (AdapterMetadata.Key.VeraKMax, kMax), (AdapterMetadata.Key.VeraDMax, dMax) })
        {
            if (!metadata.TryGetValue(key, out var text))
                return $"a VeRA adapter records its projections' shape, but metadata has no '{key}'";
            if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long value) || value != needed)
                return $"VeRA metadata '{key}' is '{text}' but this base's adapted matrices need {needed} (k_max={kMax}, d_max={dMax} for rank {config.Rank}); the adapter was made for another base or selection";
        }
        if (!metadata.TryGetValue(AdapterMetadata.Key.VeraProjectionChecksum, out var checksum))
            return $"a VeRA adapter records its projections' checksum, but metadata has no '{AdapterMetadata.Key.VeraProjectionChecksum}'";
        string regenerated = VeraProjections.Checksum(config.Seed, config.Rank, kMax, dMax);
        if (!string.Equals(checksum, regenerated, StringComparison.OrdinalIgnoreCase))
            return $"seed {config.Seed} regenerates VeRA projections with checksum {regenerated}, but the file's '{AdapterMetadata.Key.VeraProjectionChecksum}' is {checksum} (its λ were trained against other random matrices)";
        return null;
    }

    /// <summary>The adapted output: y + λ_b ⊙ (B·(λ_d ⊙ (A·dropout(x)))).</summary>
    public override Tensor Forward(Tensor x, Tensor baseOutput, FrozenLinear layer, bool training)
    {
        using var delta = Forward(x, training);
        return KeptScalars.Add(baseOutput, delta);
    }

    /// <summary>The VeRA path alone for input [..., k]; dropout applies only when <paramref name="training"/>.</summary>
    public Tensor Forward(Tensor x, bool training)
    {
        using var scope = NewDisposeScope();
        // As LowRankAdapter: the matmuls run in the input's dtype, the fp32 tensors cast into it here.
        var a = x.dtype == projectionA.dtype ? projectionA : projectionA.to(x.dtype);
        var b = x.dtype == projectionB.dtype ? projectionB : projectionB.to(x.dtype);
        var ld = x.dtype == lambdaD.dtype ? lambdaD : lambdaD.to(x.dtype);
        var lb = x.dtype == lambdaB.dtype ? lambdaB : lambdaB.to(x.dtype);
        var input = x;
        if (training && DropoutProbability > 0) input = nn.functional.dropout(input, DropoutProbability, training: true);
        var down = nn.functional.linear(input, a) * ld;            // [..., r]
        var up = nn.functional.linear(down, b) * lb;               // [..., d]
        return up.MoveToOuterDisposeScope();
    }

    /// <summary>The dense ΔW = diag(λ_b)·B·diag(λ_d)·A [d, k] in fp32 (never built during training).</summary>
    public Tensor DeltaWeight()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var scaledB = projectionB.to(ScalarType.Float32) * lambdaB.detach().to(ScalarType.Float32).unsqueeze(-1);   // [d, r]
        var scaledA = projectionA.to(ScalarType.Float32) * lambdaD.detach().to(ScalarType.Float32).unsqueeze(-1);   // [r, k]
        return scaledB.matmul(scaledA).MoveToOuterDisposeScope();
    }

    /// <summary>W0 + ΔW in fp32, on W0's device.</summary>
    public override Tensor MergedWeight(FrozenLinear layer)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var delta = DeltaWeight().to(layer.Weight.device);
        return KeptScalars.Add(layer.Weight.to(ScalarType.Float32), delta).MoveToOuterDisposeScope();
    }

    public override void MoveTo(Device device)
    {
        if (lambdaD.device.type == device.type && lambdaD.device.index == device.index) return;
        lambdaD = AdapterParameters.Moved(lambdaD, device);
        lambdaB = AdapterParameters.Moved(lambdaB, device);
        // Moving copies this matrix's slices (the shared storage stays where it was made).
        projectionA = MovedFrozen(projectionA, device);
        projectionB = MovedFrozen(projectionB, device);
    }

    protected override void Dispose(bool disposing)
    {
        if (!disposing) return;
        lambdaD.Dispose();
        lambdaB.Dispose();
        projectionA.Dispose();
        projectionB.Dispose();
    }

    private static string Shape(Tensor t) => "[" + string.Join(", ", t.shape) + "]";



    private static Tensor MovedFrozen(Tensor tensor, Device device)
    {
        var moved = tensor.to(device);
        moved.DetachFromDisposeScope();
        tensor.Dispose();
        return moved;
    }
}

/// <summary>
/// VeRA's shared random projections, regenerated from a seed: one CPU <see cref="Generator"/> seeded with
/// <see cref="GeneratorSeed"/> draws A [r, k_max] then B [d_max, r], each Kaiming-uniform as PEFT's
/// <c>vera/model.py::_kaiming_init</c> (gain √2, bound √3·√2/√fan_in = √(6/fan_in); fan_in k_max for A, r for B).
/// Drawn on the CPU in fp32, so the same seed and shape give the same bytes on any machine and device.
/// </summary>
public static class VeraProjections
{
    /// <summary>The generator seed for a config seed: its own stream (the path-hash of <see cref="LowRankAdapter.MatrixSeed"/> on a fixed name).</summary>
    public static ulong GeneratorSeed(long seed) => LowRankAdapter.MatrixSeed(seed, "vera.projections");

    /// <summary>Fresh fp32 CPU tensors A [r, k_max] and B [d_max, r]; the caller owns them.</summary>
    public static (Tensor A, Tensor B) Generate(long seed, int rank, long kMax, long dMax)
    {
        if (rank <= 0 || kMax <= 0 || dMax <= 0) throw new ArgumentException($"VeRA projections need positive r, k_max, d_max, got {rank}, {kMax}, {dMax}");
        using var generator = new Generator(GeneratorSeed(seed));
        using var _ = no_grad();
        var a = KaimingUniform([rank, kMax], kMax, generator);
        var b = KaimingUniform([dMax, rank], rank, generator);
        return (a, b);
    }

    /// <summary>FNV-1a 64 of A's then B's fp32 bytes (little-endian), as 16 hex digits.</summary>
    public static string Checksum(long seed, int rank, long kMax, long dMax)
    {
        var (a, b) = Generate(seed, rank, kMax, dMax);
        using (a)
        using (b)
            return Checksum(a, b);
    }

    /// <summary>FNV-1a 64 of the fp32 bytes of the given tensors in order.</summary>
    public static string Checksum(params Tensor[] tensors)
    {
        ulong hash = 14695981039346656037UL;
        foreach (var tensor in tensors)
        {
            using var cpu = tensor.to(ScalarType.Float32).cpu().contiguous();
            var bytes = MemoryMarshal.AsBytes(cpu.data<float>().ToArray().AsSpan());
            foreach (byte value in bytes)
            {
                hash ^= value;
                hash *= 1099511628211UL;
            }
        }
        return hash.ToString("x16", CultureInfo.InvariantCulture);
    }

    private static Tensor KaimingUniform(long[] shape, long fanIn, Generator generator)
    {
        double bound = Math.Sqrt(3.0) * Math.Sqrt(2.0) / Math.Sqrt(fanIn);
        var tensor = empty(shape, ScalarType.Float32).uniform_(-bound, bound, generator);
        tensor.DetachFromDisposeScope();
        return tensor;
    }
}
