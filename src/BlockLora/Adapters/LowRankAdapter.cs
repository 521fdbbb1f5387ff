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
    // PiSSA's frozen initial pair: the layer's effective frozen weight is the residual W0 − s·B0·A0 (W0 itself is never written).
    private Parameter? baseA;
    private Parameter? baseB;

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
        loraA = AdapterParameters.New(zeros(rank, inFeatures / blocks, ScalarType.Float32, device));
        loraB = AdapterParameters.New(zeros(outFeatures, rank, ScalarType.Float32, device));
    }

    /// <summary>The file suffix of A.</summary>
    public const string DownName = "lora_A";

    /// <summary>The file suffix of B.</summary>
    public const string UpName = "lora_B";

    /// <summary>The file suffix of PiSSA's frozen initial A0 (the residual is W0 − s·B0·A0).</summary>
    public const string BaseDownName = "pissa_A0";

    /// <summary>The file suffix of PiSSA's frozen initial B0.</summary>
    public const string BaseUpName = "pissa_B0";

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

    /// <summary>True when A is frozen at its initialisation (LoRA-FA): only B trains.</summary>
    public bool FreezeA => !loraA.requires_grad;

    /// <summary>True for a PiSSA adapter: it holds the frozen A0, B0 and its layer computes with the residual W0 − s·B0·A0.</summary>
    public bool IsPissa => baseA is not null;

    /// <summary>PiSSA's frozen A0 [r, k/n], or null.</summary>
    public Parameter? BaseA => baseA;

    /// <summary>PiSSA's frozen B0 [d, r], or null.</summary>
    public Parameter? BaseB => baseB;

    public override IReadOnlyList<(string Name, Parameter Parameter)> NamedParameters =>
        baseA is null || baseB is null ? [(DownName, loraA), (UpName, loraB)]
            : [(DownName, loraA), (UpName, loraB), (BaseDownName, baseA), (BaseUpName, baseB)];

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
            new AdapterTensorSpec(BaseDownName, (c, d, k) => [c.Rank, k / c.Blocks], c => [c.Rank, null]) { StoredWhen = c => c.Init == AdapterInit.Pissa },
            new AdapterTensorSpec(BaseUpName, (c, d, k) => [d, c.Rank], c => [null, c.Rank]) { StoredWhen = c => c.Init == AdapterInit.Pissa },
        ],
        MetadataKeys = [AdapterMetadata.Key.Rank, AdapterMetadata.Key.Blocks, AdapterMetadata.Key.Alpha, AdapterMetadata.Key.Scaling, AdapterMetadata.Key.Dropout],
        Cost = (c, d, k) => CostPerMatrix(c.Rank, c.Blocks, d, k, c.FreezeA),
        Create = (matrix, config, device) =>
        {
            var adapter = construct(matrix, config, device);
            adapter.Initialize(config.InitFanIn, MatrixSeed(config.Seed, matrix.Path));
            // PiSSA's A0, B0 start at zero (a zero residual correction) until InitializeFromBase sees W0, or a file fills them.
            if (config.Init == AdapterInit.Pissa) adapter.AddPissaPair();
            if (config.FreezeA) adapter.loraA.requires_grad = false;
            return adapter;
        },
        ShapeReason = c => $"rank {c.Rank} (metadata)",
    };

    /// <summary>
    /// r(d + k/n) trainable parameters (B is d×r, the shared A_s is r×(k/n)), r·d with A frozen (LoRA-FA); per token r·k/n
    /// multiply-adds for A_s on the folded input plus d·r for B, and (n−1)·k/n additions for the fold. LoRA is n = 1.
    /// </summary>
    public static AdapterCost CostPerMatrix(int rank, int blocks, long outFeatures, long inFeatures, bool freezeA = false) => new(
        freezeA ? rank * outFeatures : rank * (outFeatures + inFeatures / blocks),
        rank * (inFeatures / blocks) + outFeatures * rank,
        (blocks - 1) * (inFeatures / blocks));

    public override AdapterCost MeasuredCost()
    {
        long[] a = loraA.shape, b = loraB.shape;     // [r, k/n], [d, r]
        return new AdapterCost(TrainableNamedParameters.Sum(p => p.Parameter.numel()), a[0] * a[1] + b[0] * b[1], InFeatures - a[1]);
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

    /// <summary>Adds PiSSA's frozen pair A0, B0 (zero until <see cref="InitializeFromBase"/> or a file fills them).</summary>
    private void AddPissaPair()
    {
        baseA ??= AdapterParameters.New(zeros(loraA.shape, ScalarType.Float32, loraA.device), requiresGrad: false);
        baseB ??= AdapterParameters.New(zeros(loraB.shape, ScalarType.Float32, loraB.device), requiresGrad: false);
    }

    /// <summary>
    /// PiSSA (PEFT's <c>pissa_init</c>): with U S Vh the SVD of M (W0 for LoRA; for Block-LoRA the mean of W0's n column
    /// blocks, whose top-r part is the best approximation of W0 by B·[A_s … A_s]), A = A0 = diag(√(S_r/s))·Vh_r and
    /// B = B0 = U_r·diag(√(S_r/s)), so s·B0·A0 is that top-r part and the layer computes with the residual W0 − s·B0·A0.
    /// A no-op for a non-PiSSA adapter.
    /// </summary>
    public override void InitializeFromBase(FrozenLinear layer)
    {
        if (baseA is null || baseB is null) return;
        if (!(Scaling > 0)) throw new ArgumentException($"PiSSA needs a positive scaling s, got {Scaling}");
        long width = Math.Min(OutFeatures, DownWidth);
        if (Rank > width) throw new ArgumentException($"PiSSA rank r={Rank} exceeds min(d, k/n)={width} of a {OutFeatures}x{InFeatures} matrix");
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var w = layer.Weight.detach().to(ScalarType.Float32, loraA.device);
        var m = Blocks == 1 ? w : w.reshape(OutFeatures, Blocks, DownWidth).mean([1]);
        var (u, sv, vh) = linalg.svd(m, fullMatrices: false);
        var root = sv.narrow(0, 0, Rank).div(Scaling).sqrt();
        var a0 = vh.narrow(0, 0, Rank).mul(root.unsqueeze(1));
        var b0 = u.narrow(1, 0, Rank).mul(root.unsqueeze(0));
        baseA.copy_(a0);
        baseB.copy_(b0);
        loraA.copy_(a0);
        loraB.copy_(b0);
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
        if (baseA is not null && baseB is not null)
        {
            // PiSSA: the residual's share, −s·B0·A0·x (no dropout: it is part of the frozen weight). Computed exactly as the
            // trained path is, so at step 0 (B = B0, A = A0) in evaluation the difference is exactly zero.
            var a0 = x.dtype == baseA.dtype ? baseA : baseA.to(x.dtype);
            var b0 = x.dtype == baseB.dtype ? baseB : baseB.to(x.dtype);
            var up0 = nn.functional.linear(KeptScalars.Mul(ProjectDown(x, a0), Scaling), b0);
            up = up.sub(up0);
        }
        return up.MoveToOuterDisposeScope();
    }

    /// <summary>The dense s·ΔW [d, k] in fp32 (never built during training); for PiSSA s·(B·A − B0·A0), the change to the stored W0.</summary>
    public Tensor DeltaWeight()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var b = loraB.detach().to(ScalarType.Float32);
        var dense = DenseDownProjection(loraA.detach().to(ScalarType.Float32));   // [r, k]
        var product = b.matmul(dense);
        if (baseA is not null && baseB is not null)
            product = product.sub(baseB.detach().matmul(DenseDownProjection(baseA.detach())));   // PiSSA: B·A − B0·A0
        return KeptScalars.Mul(product, Scaling).MoveToOuterDisposeScope();
    }

    /// <summary>The down-projection applied to x [..., k], giving [..., r]; must not build a dense [r, k] matrix.</summary>
    protected abstract Tensor ProjectDown(Tensor x, Tensor a);

    /// <summary>The dense [r, k] matrix <see cref="ProjectDown"/> multiplies by, for merging.</summary>
    protected abstract Tensor DenseDownProjection(Tensor a);

    public override void MoveTo(Device device)
    {
        if (loraA.device.type == device.type && loraA.device.index == device.index) return;
        loraA = AdapterParameters.Moved(loraA, device);
        loraB = AdapterParameters.Moved(loraB, device);
        if (baseA is not null) baseA = AdapterParameters.Moved(baseA, device);
        if (baseB is not null) baseB = AdapterParameters.Moved(baseB, device);
    }

    protected override void Dispose(bool disposing)
    {
        if (!disposing) return;
        loraA.Dispose();
        loraB.Dispose();
        baseA?.Dispose();
        baseB?.Dispose();
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


}
