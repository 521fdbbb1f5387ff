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
public abstract class LowRankAdapter : IAdapter
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

    public long InFeatures { get; }
    public long OutFeatures { get; }
    public int Rank { get; }
    /// <summary>n; 1 for LoRA.</summary>
    public int Blocks { get; }
    /// <summary>Width of A's rows, k/n.</summary>
    public long DownWidth => InFeatures / Blocks;
    public double Scaling { get; }
    public double DropoutProbability { get; }
    public abstract AdapterMethod Method { get; }

    /// <summary>A (LoRA, [r, k]) or the shared A_s (Block-LoRA, [r, k/n]).</summary>
    public Parameter LoraA => loraA;

    /// <summary>B [d, r].</summary>
    public Parameter LoraB => loraB;

    public IReadOnlyList<(string Name, Parameter Parameter)> NamedParameters => [("lora_A", loraA), ("lora_B", loraB)];

    public Device Device => loraA.device;

    /// <summary>Builds the adapter the config asks for on one matrix, initialised from the config's seed and the matrix path.</summary>
    public static LowRankAdapter Create(AdaptedMatrix matrix, AdapterConfig config, Device? device = null)
    {
        LowRankAdapter adapter = config.Method switch
        {
            AdapterMethod.Lora => new LoraAdapter(matrix.InFeatures, matrix.OutFeatures, config.Rank, config.ScalingFactor, config.Dropout, device),
            AdapterMethod.BlockLora => new BlockLoraAdapter(matrix.InFeatures, matrix.OutFeatures, config.Rank, config.Blocks, config.ScalingFactor, config.Dropout, device),
            _ => throw new ArgumentException($"unknown adapter method {config.Method}"),
        };
        adapter.Initialize(config.InitFanIn, MatrixSeed(config.Seed, matrix.Path));
        return adapter;
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

    public void MoveTo(Device device)
    {
        if (loraA.device.type == device.type && loraA.device.index == device.index) return;
        loraA = Moved(loraA, device);
        loraB = Moved(loraB, device);
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
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
