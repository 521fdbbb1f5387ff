using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BlockLora.Clip;

/// <summary>
/// A linear layer (<c>weight</c> [d, k], optional <c>bias</c>) that can hold one adapter. Its parameter
/// names match OpenAI's keys, so adapters never change how the base loads. Merging writes the adapter's
/// merged weight into the weight in place and keeps the original, so unmerging restores it bit for bit however
/// many times tasks are switched.
/// </summary>
public sealed class AdaptableLinear : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter? bias;
    private Tensor? weightBeforeMerge;

    public AdaptableLinear(long inFeatures, long outFeatures, bool hasBias = true) : base(nameof(AdaptableLinear))
    {
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        weight = new Parameter(empty(outFeatures, inFeatures));
        register_parameter("weight", weight);
        if (hasBias)
        {
            bias = new Parameter(zeros(outFeatures));
            register_parameter("bias", bias);
        }
        using (no_grad())
        {
            // PyTorch's Linear default init, so an unloaded model is still a sensible random model.
            nn.init.kaiming_uniform_(weight, a: Math.Sqrt(5));
            if (bias is not null)
            {
                double bound = 1 / Math.Sqrt(inFeatures);
                nn.init.uniform_(bias, -bound, bound);
            }
        }
    }

    public long InFeatures { get; }
    public long OutFeatures { get; }
    public Parameter Weight => weight;
    public Parameter? Bias => bias;
    public IAdapter? Adapter { get; private set; }
    public bool IsMerged => weightBeforeMerge is not null;

    /// <summary>The frozen weight and bias as an adapter sees them.</summary>
    public FrozenLinear Frozen => new(weight, bias);

    /// <summary>Puts an adapter into the empty slot; its shape must fit this layer.</summary>
    public void Attach(IAdapter adapter)
    {
        if (Adapter is not null) throw new InvalidOperationException("slot already holds an adapter; detach it first");
        if (adapter.InFeatures != InFeatures || adapter.OutFeatures != OutFeatures)
            throw new ArgumentException($"adapter is {adapter.OutFeatures}x{adapter.InFeatures} but the layer is {OutFeatures}x{InFeatures}");
        Adapter = adapter;
        adapter.Attached(Frozen);
    }

    /// <summary>Removes the adapter (unmerging first), returning it to the caller, who owns it.</summary>
    public IAdapter? Detach()
    {
        Unmerge();
        var adapter = Adapter;
        Adapter = null;
        return adapter;
    }

    /// <summary>W ← the adapter's merged weight (W0 + s·ΔW for the low-rank methods), computed in fp32 from W0. Idempotent; refuses a non-finite result and leaves W0 intact.</summary>
    public void Merge()
    {
        if (Adapter is null || IsMerged) return;
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var merged = Adapter.MergedWeight(Frozen);
        if (!merged.isfinite().all().item<bool>())
            throw new InvalidOperationException("merging would produce non-finite weights; the adapter is left unmerged");
        // Owned by the slot, not by any dispose scope: a caller's scope around Merge() must not free
        // the copy that Unmerge() restores from.
        var saved = weight.detach().clone();
        saved.DetachFromDisposeScope();
        weightBeforeMerge = saved;
        weight.copy_(merged.to(weight.dtype));
    }

    /// <summary>Restores the exact weights from before <see cref="Merge"/>. Idempotent.</summary>
    public void Unmerge()
    {
        if (weightBeforeMerge is null) return;
        using (no_grad()) weight.copy_(weightBeforeMerge);
        weightBeforeMerge.Dispose();
        weightBeforeMerge = null;
    }

    public override Tensor forward(Tensor x)
    {
        var y = nn.functional.linear(x, weight, bias);
        if (Adapter is null || IsMerged) return y;
        var output = Adapter.Forward(x, y, Frozen, training);
        if (!ReferenceEquals(output, y)) y.Dispose();
        return output;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) weightBeforeMerge?.Dispose();
        base.Dispose(disposing);
    }
}
