using System.Text;
using BlockLora.Clip;
using BlockLora.Torch;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BlockLora.Adapters;

/// <summary>
/// What LoRA and Block-LoRA share: parameters <c>lora_A</c> [r, k/n] and <c>lora_B</c> [d, r], the
/// scaling s, input dropout, and the path s·B·down(dropout(x)). Subclasses say only how the
/// down-projection applies A (<see cref="ProjectDown"/>) and what dense matrix it equals
/// (<see cref="DenseDownProjection"/>).
/// Parameters are fp32 and not owned by any dispose scope: the adapter owns them until disposed.
/// </summary>
public abstract class LowRankAdapter : MethodAdapter
{
    private Parameter loraA;
    private Parameter loraB;

    protected LowRankAdapter(long inFeatures, long outFeatures, int rank, int blocks, double scaling, double dropout, Device? device)
    {
        if (inFeatures <= 0 || outFeatures <= 0) throw new ArgumentException($"adapter shape {outFeatures}x{inFeatures} must be positive");
        if (rank <= 0) throw new ArgumentException($"rank r must be positive, got r={rank}");
        if (blocks <= 0) throw new ArgumentException($"block count n must be positive, got n={blocks}");
        if (inFeatures % blocks != 0) throw new ArgumentException($"blocks n={blocks} does not divide the input width {inFeatures}");
        if (!(dropout >= 0 && dropout < 1)) throw new ArgumentException($"dropout must be in [0, 1), got {dropout}");
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Rank = rank;
        Blocks = blocks;
        Scaling = scaling;
        DropoutProbability = dropout;
        loraA = NewParameter(zeros(rank, inFeatures / blocks, ScalarType.Float32, device));
        loraB = NewParameter(zeros(outFeatures, rank, ScalarType.Float32, device));
    }

    /// <summary>The file suffix of A.</summary>
    public const string DownName = "lora_A";

    /// <summary>The file suffix of B.</summary>
    public const string UpName = "lora_B";

    public override long InFeatures { get; }
    public override long OutFeatures { get; }
    public int Rank { get; }
    /// <summary>n; 1 for LoRA.</summary>
    public int Blocks { get; }
    /// <summary>Width of A's rows, k/n.</summary>
    public long DownWidth => InFeatures / Blocks;
    public double Scaling { get; }
    public double DropoutProbability { get; }
    /// <summary>A (LoRA, [r, k]) or the shared A_s (Block-LoRA, [r, k/n]).</summary>
    public Parameter LoraA => loraA;

    /// <summary>B [d, r].</summary>
    public Parameter LoraB => loraB;

    public override IReadOnlyList<(string Name, Parameter Parameter)> NamedParameters => [(DownName, loraA), (UpName, loraB)];

    public override Device Device => loraA.device;

    /// <summary>Builds the adapter the config's method registers for one matrix, initialised from the config's seed and the matrix path.</summary>
    public static LowRankAdapter Create(AdaptedMatrix matrix, AdapterConfig config, Device? device = null) =>
        AdapterMethodRegistry.For(config.Method).Create(matrix, config, device) as LowRankAdapter
        ?? throw new ArgumentException($"adapter method {config.Method} is not a low-rank method");

    /// <summary>
    /// The registration LoRA and Block-LoRA share but for the method and the constructor: A [r, k/n] then B [d, r],
    /// the hyperparameters rank, blocks, alpha, scaling, dropout, and the cost r(d + k/n).
    /// </summary>
    protected static AdapterMethodRegistration LowRankRegistration(AdapterMethod method, Func<AdaptedMatrix, AdapterConfig, Device?, LowRankAdapter> construct) => new()
    {
        Method = method,
        Tensors =
        [
            new AdapterTensorSpec(DownName, (c, d, k) => [c.Rank, k / c.Blocks], c => [c.Rank, null]),
            new AdapterTensorSpec(UpName, (c, d, k) => [d, c.Rank], c => [null, c.Rank]),
        ],
        MetadataKeys = [AdapterMetadata.Key.Rank, AdapterMetadata.Key.Blocks, AdapterMetadata.Key.Alpha, AdapterMetadata.Key.Scaling, AdapterMetadata.Key.Dropout],
        Cost = (c, d, k) => CostPerMatrix(c.Rank, c.Blocks, d, k),
        Create = (matrix, config, device) =>
        {
            var adapter = construct(matrix, config, device);
            adapter.Initialize(config.InitFanIn, MatrixSeed(config.Seed, matrix.Path));
            return adapter;
        },
        ShapeReason = c => $"rank {c.Rank} (metadata)",
    };

    /// <summary>
    /// r(d + k/n) parameters (B is d×r, the shared A_s is r×(k/n)); per token r·k/n multiply-adds for A_s on the folded
    /// input plus d·r for B, and (n−1)·k/n additions for the fold. LoRA is n = 1.
    /// </summary>
    public static AdapterCost CostPerMatrix(int rank, int blocks, long outFeatures, long inFeatures) => new(
        rank * (outFeatures + inFeatures / blocks),
        rank * (inFeatures / blocks) + outFeatures * rank,
        (blocks - 1) * (inFeatures / blocks));

    public override AdapterCost MeasuredCost()
    {
        long[] a = loraA.shape, b = loraB.shape;     // [r, k/n], [d, r]
        return new AdapterCost(loraA.numel() + loraB.numel(), a[0] * a[1] + b[0] * b[1], InFeatures - a[1]);
    }

    /// <summary>
    /// A ~ U(−1/√fan_in, 1/√fan_in), which is PyTorch's <c>kaiming_uniform_(a=√5)</c>
    /// (gain √(2/(1+a²)) = √(1/3), bound gain·√(3/fan_in)), drawn from a generator seeded here so the
    /// same seed gives the same A on any device; B = 0, so a fresh adapter leaves the model unchanged.
    /// </summary>
    public void Initialize(InitFanIn fanInRule, ulong seed)
    {
        long fanIn = fanInRule == InitFanIn.FullWidth ? InFeatures : DownWidth;
        double bound = 1 / Math.Sqrt(fanIn);
        using var generator = new Generator(seed);
        using var values = empty(loraA.shape, ScalarType.Float32).uniform_(-bound, bound, generator);
        using var _ = no_grad();
        loraA.copy_(values);
        loraB.zero_();
    }

    /// <summary>The adapted output: the base output plus the low-rank path, y + s·ΔW·x.</summary>
    public override Tensor Forward(Tensor x, Tensor baseOutput, FrozenLinear layer, bool training)
    {
        using var delta = Forward(x, training);
        return KeptScalars.Add(baseOutput, delta);
    }

    /// <summary>W0 + s·ΔW in fp32, on W0's device.</summary>
    public override Tensor MergedWeight(FrozenLinear layer)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var delta = DeltaWeight().to(layer.Weight.device);
        return KeptScalars.Add(layer.Weight.to(ScalarType.Float32), delta).MoveToOuterDisposeScope();
    }

    /// <summary>The low-rank path alone, s·ΔW·x, for input [..., k]; dropout applies only when <paramref name="training"/>.</summary>
    public Tensor Forward(Tensor x, bool training)
    {
        using var scope = NewDisposeScope();
        // Autocast's rule: the matmuls run in the input's (compute) dtype, with the fp32 master weights cast into it
        // here, so their gradients flow back through the cast and land in fp32. In fp32 nothing is cast.
        var a = x.dtype == loraA.dtype ? loraA : loraA.to(x.dtype);
        var b = x.dtype == loraB.dtype ? loraB : loraB.to(x.dtype);
        var input = x;
        if (training && DropoutProbability > 0) input = nn.functional.dropout(input, DropoutProbability, training: true);
        var down = ProjectDown(input, a);                             // [..., r]
        // Scaling the r-wide intermediate costs r multiplies per token instead of d.
        var up = nn.functional.linear(KeptScalars.Mul(down, Scaling), b);               // [..., d]
        return up.MoveToOuterDisposeScope();
    }

    /// <summary>The dense s·ΔW [d, k] in fp32 (never built during training).</summary>
    public Tensor DeltaWeight()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var b = loraB.detach().to(ScalarType.Float32);
        var dense = DenseDownProjection(loraA.detach().to(ScalarType.Float32));   // [r, k]
        return KeptScalars.Mul(b.matmul(dense), Scaling).MoveToOuterDisposeScope();
    }

    /// <summary>The down-projection applied to x [..., k], giving [..., r]; must not build a dense [r, k] matrix.</summary>
    protected abstract Tensor ProjectDown(Tensor x, Tensor a);

    /// <summary>The dense [r, k] matrix <see cref="ProjectDown"/> multiplies by, for merging.</summary>
    protected abstract Tensor DenseDownProjection(Tensor a);

    public override void MoveTo(Device device)
    {
        if (loraA.device.type == device.type && loraA.device.index == device.index) return;
        loraA = Moved(loraA, device);
        loraB = Moved(loraB, device);
    }

    protected override void Dispose(bool disposing)
    {
        if (!disposing) return;
        loraA.Dispose();
        loraB.Dispose();
    }

    /// <summary>A per-matrix seed (FNV-1a of the path mixed with the config seed), so one matrix's init does not depend on which others are adapted.</summary>
    public static ulong MatrixSeed(long seed, string path)
    {
        ulong hash = 14695981039346656037UL ^ unchecked((ulong)seed);
        foreach (byte b in Encoding.UTF8.GetBytes(path))
        {
            hash ^= b;
            hash *= 1099511628211UL;
        }
        // A final avalanche step so nearby paths give unrelated generator seeds.
        hash ^= hash >> 33;
        hash *= 0xff51afd7ed558ccdUL;
        hash ^= hash >> 33;
        return hash;
    }

    private static Parameter NewParameter(Tensor data)
    {
        var parameter = new Parameter(data, requires_grad: true);
        parameter.DetachFromDisposeScope();
        return parameter;
    }

    private static Parameter Moved(Parameter parameter, Device device)
    {
        using var _ = no_grad();
        using var detached = parameter.detach();
        var moved = new Parameter(detached.to(device), parameter.requires_grad);
        moved.DetachFromDisposeScope();
        parameter.Dispose();
        return moved;
    }
}
