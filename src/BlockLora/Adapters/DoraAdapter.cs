using BlockLora.Clip;
using BlockLora.Torch;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BlockLora.Adapters;

/// <summary>
/// DoRA (Liu et al. 2024) over any low-rank method's ΔW: W = m ⊙ (W0 + s·ΔW) / ‖W0 + s·ΔW‖ with the norm per output
/// row and a trained magnitude m [d], initialised to ‖W0‖ per row. LoRA + DoRA is DoRA; Block-LoRA + DoRA is Block-DoRA.
/// The forward follows PEFT's <c>DoraLinearLayer.forward</c> (src/peft/tuners/lora/dora.py): without merging,
/// (m/‖·‖ − 1)·(x·W0ᵀ) + (m/‖·‖)·s·ΔW·x added to the base output (bias unscaled), with the norm detached.
/// It decorates the wrapped adapter (<see cref="Inner"/>) and adds one tensor, <see cref="MagnitudeName"/>, per matrix.
/// </summary>
public sealed class DoraAdapter : MethodAdapter
{
    private Parameter magnitude;
    private bool magnitudeSet;

    /// <summary>Wraps <paramref name="inner"/> (owned from now on); m stays unset until <see cref="InitializeMagnitude"/>, a load, or the first forward/merge, which sets it to ‖W0‖.</summary>
    public DoraAdapter(LowRankAdapter inner)
    {
        Inner = inner;
        magnitude = new Parameter(zeros(inner.OutFeatures, ScalarType.Float32, inner.Device), requires_grad: true);
        magnitude.DetachFromDisposeScope();
    }

    /// <summary>The file suffix of m.</summary>
    public const string MagnitudeName = "lora_magnitude";

    /// <summary>The low-rank adapter whose ΔW this decorates.</summary>
    public LowRankAdapter Inner { get; }

    /// <summary>m [d], fp32.</summary>
    public Parameter Magnitude => magnitude;

    public override AdapterMethod Method => Inner.Method;
    public override long InFeatures => Inner.InFeatures;
    public override long OutFeatures => Inner.OutFeatures;
    public override Device Device => Inner.Device;

    public override IReadOnlyList<(string Name, Parameter Parameter)> NamedParameters => [.. Inner.NamedParameters, (MagnitudeName, magnitude)];

    /// <summary>The registration of <paramref name="method"/> with DoRA on top: its tensors then m [d], the metadata key dora, its cost plus d parameters.</summary>
    public static AdapterMethodRegistration Decorate(AdapterMethodRegistration method) => method with
    {
        Tensors = [.. method.Tensors, new AdapterTensorSpec(MagnitudeName, (c, d, k) => [d], c => [null])],
        MetadataKeys = [.. method.MetadataKeys, AdapterMetadata.Key.Dora],
        Cost = (c, d, k) => WithMagnitude(method.Cost(c, d, k), d),
        Create = (matrix, config, device) => new DoraAdapter(method.Create(matrix, config, device) as LowRankAdapter
            ?? throw new ArgumentException($"DoRA needs an additive low-rank method, not {AdapterMethods.Format(config.Method)}")),
    };

    /// <summary>The inner method's cost plus m: d parameters, and per token 2d multiplies (the two row scalings).</summary>
    public static AdapterCost WithMagnitude(AdapterCost inner, long outFeatures) =>
        inner with { Parameters = inner.Parameters + outFeatures, MultiplyAdds = inner.MultiplyAdds + 2 * outFeatures };

    public override AdapterCost MeasuredCost() => WithMagnitude(Inner.MeasuredCost(), magnitude.numel());

    /// <summary>m ← ‖W0‖ per output row (fp32), DoRA's initialisation.</summary>
    public void InitializeMagnitude(FrozenLinear layer)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var norm = layer.Weight.to(ScalarType.Float32).norm(1, keepdim: false, p: 2).to(magnitude.device);
        magnitude.copy_(norm);
        magnitudeSet = true;
    }

    /// <summary>Initialises m from W0 unless it was loaded or initialised before.</summary>
    public override void Attached(FrozenLinear layer) => EnsureMagnitude(layer);

    /// <summary>Marks m as set (a file's values were copied in).</summary>
    public override void ParametersAssigned() => magnitudeSet = true;

    /// <summary>‖W0 + s·ΔW‖ per output row in fp32, detached, on W0's device.</summary>
    public Tensor WeightNorm(FrozenLinear layer)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var delta = Inner.DeltaWeight().to(layer.Weight.device);
        var weight = KeptScalars.Add(layer.Weight.to(ScalarType.Float32), delta);
        return weight.norm(1, keepdim: false, p: 2).detach().MoveToOuterDisposeScope();
    }

    public override Tensor Forward(Tensor x, Tensor baseOutput, FrozenLinear layer, bool training)
    {
        EnsureMagnitude(layer);
        using var scope = NewDisposeScope();
        // PEFT: with dropout active the base path is recomputed on the dropped input, bias excluded; otherwise it is
        // the base output less the bias.
        Tensor input = x, baseResult;
        if (training && Inner.DropoutProbability > 0)
        {
            input = nn.functional.dropout(x, Inner.DropoutProbability, training: true);
            baseResult = nn.functional.linear(input, layer.Weight.to(x.dtype));
        }
        else
        {
            baseResult = layer.Bias is { } bias ? KeptScalars.Sub(baseOutput, bias.to(baseOutput.dtype)) : baseOutput;
        }
        var norm = WeightNorm(layer).to(magnitude.device);
        var scale = magnitude.div(norm);                                  // [d], grads reach m only
        var scaleX = (scale.dtype == x.dtype ? scale : scale.to(x.dtype)).to(x.device);
        var lora = Inner.Forward(input, training: false);                // s·ΔW·input
        var extra = KeptScalars.Add(KeptScalars.AddScalar(scaleX, -1).mul(baseResult), scaleX.mul(lora));
        return KeptScalars.Add(baseOutput, extra).MoveToOuterDisposeScope();
    }

    /// <summary>m ⊙ (W0 + s·ΔW) / ‖W0 + s·ΔW‖ row-wise, in fp32 on W0's device.</summary>
    public override Tensor MergedWeight(FrozenLinear layer)
    {
        EnsureMagnitude(layer);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var delta = Inner.DeltaWeight().to(layer.Weight.device);
        var weight = KeptScalars.Add(layer.Weight.to(ScalarType.Float32), delta);
        var norm = weight.norm(1, keepdim: true, p: 2);
        var factor = magnitude.detach().to(layer.Weight.device).unsqueeze(1).div(norm);
        return weight.mul(factor).MoveToOuterDisposeScope();
    }

    private void EnsureMagnitude(FrozenLinear layer)
    {
        if (!magnitudeSet) InitializeMagnitude(layer);
    }

    public override void MoveTo(Device device)
    {
        Inner.MoveTo(device);
        if (magnitude.device.type == device.type && magnitude.device.index == device.index) return;
        using var _ = no_grad();
        using var detached = magnitude.detach();
        var moved = new Parameter(detached.to(device), magnitude.requires_grad);
        moved.DetachFromDisposeScope();
        magnitude.Dispose();
        magnitude = moved;
    }

    protected override void Dispose(bool disposing)
    {
        if (!disposing) return;
        Inner.Dispose();
        magnitude.Dispose();
    }
}
