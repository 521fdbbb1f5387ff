namespace BlockLora.Adapters;

/// <summary>
/// An adapter's settings without its method and seed: what a run (RunSpec) carries beside its own method and seed, so
/// that those two exist once per run. <see cref="AdapterConfig"/> is these options with a method and a seed
/// (<see cref="AdapterConfig.Of"/> joins them), so each setting and its default is written once, here.
/// </summary>
public record AdapterOptions
{
    /// <summary>Rank r of ΔW: A has r rows, B has r columns.</summary>
    public int Rank { get; init; } = 2;

    /// <summary>Block count n: A_s is [r, k/n]; n must divide the input width k of every adapted matrix.</summary>
    public int Blocks { get; init; } = 1;

    /// <summary>Numerator of the scaling s (see <see cref="Scaling"/>).</summary>
    public double Alpha { get; init; } = 1;

    /// <summary>How s follows from alpha and r.</summary>
    public ScalingRule Scaling { get; init; } = ScalingRule.AlphaOverSqrtRank;

    /// <summary>Dropout probability on the adapter's input (before the fold), training only; in [0, 1).</summary>
    public double Dropout { get; init; } = 0.25;

    /// <summary>Fan-in for A's Kaiming-uniform bound 1/√fan_in: k/n (default) or k.</summary>
    public InitFanIn InitFanIn { get; init; } = InitFanIn.BlockWidth;

    /// <summary>LoRA-FA: A stays at its initialisation and only B trains (r·d parameters per matrix).</summary>
    public bool FreezeA { get; init; }

    /// <summary>How A and B start: Kaiming A with B = 0 (default), or PiSSA from W0's top-r singular triplets.</summary>
    public AdapterInit Init { get; init; } = AdapterInit.Kaiming;

    /// <summary>Which matrices of each block are adapted.</summary>
    public AdapterTargets Targets { get; init; } = AdapterTargets.Qkv;

    /// <summary>Which towers are adapted.</summary>
    public AdapterEncoders Encoders { get; init; } = AdapterEncoders.Both;

    /// <summary>Which blocks of each adapted tower are adapted: one selection for every adapted tower (its indices must exist in each), or one per tower.</summary>
    public LayerSelection Layers { get; init; } = LayerSelection.All;

    /// <summary>DoRA on top of the method's ΔW (<see cref="DoraAdapter"/>): LoRA becomes DoRA, Block-LoRA Block-DoRA; adds a magnitude m [d] per matrix.</summary>
    public bool Dora { get; init; }

    /// <summary>VeRA's initial λ_d (PEFT's <c>d_initial</c>, 0.1); only VeRA has λ_d, so another method keeps the default.</summary>
    public double VeraDInitial { get; init; } = VeraAdapter.DefaultDInitial;

    /// <summary>Just these options, whatever record holds them (an <see cref="AdapterConfig"/> without its method and seed).</summary>
    public AdapterOptions ToOptions() => new(this);
}
