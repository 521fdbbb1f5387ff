namespace BlockLora.Adapters;

/// <summary>
/// An adapter's settings without its method and seed: what a run (RunSpec) carries beside its own method and seed, so
/// that those two exist once per run. <see cref="AdapterConfig.Of"/> joins them into the adapter's config. Every
/// property mirrors <see cref="AdapterConfig"/>'s (its documentation and defaults are there; a test keeps the two equal).
/// </summary>
public sealed record AdapterOptions
{
    public int Rank { get; init; } = 2;
    public int Blocks { get; init; } = 1;
    public double Alpha { get; init; } = 1;
    public ScalingRule Scaling { get; init; } = ScalingRule.AlphaOverSqrtRank;
    public double Dropout { get; init; } = 0.25;
    public InitFanIn InitFanIn { get; init; } = InitFanIn.BlockWidth;
    public AdapterTargets Targets { get; init; } = AdapterTargets.Qkv;
    public AdapterEncoders Encoders { get; init; } = AdapterEncoders.Both;
    public LayerSelection Layers { get; init; } = LayerSelection.All;
}
