using BlockLora.Data;
using BlockLora.Torch;

namespace BlockLora.Experiments;

/// <summary>
/// A <see cref="RunSpec"/> with what its settings name looked up once (<see cref="RunSpec.Resolve"/>): the datasets, the
/// device and compute dtype, the identity and the run folder. Loading, placing, training, evaluating and the results
/// rows take these from here, so one run never asks twice and every stage agrees.
/// </summary>
public sealed record ResolvedRun
{
    public required RunSpec Spec { get; init; }
    /// <summary>The run's own dataset.</summary>
    public required DatasetInfo Dataset { get; init; }
    /// <summary><see cref="RunSpec.AlsoEvaluateOn"/>, in its order.</summary>
    public required IReadOnlyList<DatasetInfo> AlsoEvaluateOn { get; init; }
    public required ComputeTarget Target { get; init; }
    /// <summary>The identity of the run's own row (its dataset, its half), which names its folder.</summary>
    public required RunIdentity Identity { get; init; }
    public required string RunFolder { get; init; }

    /// <summary>The identity of one of the run's rows: its own (both null), a new-half row or an eval-on row.</summary>
    public RunIdentity IdentityOf(DatasetInfo? evalDataset, ClassSubset? evalClasses) =>
        evalDataset is null && evalClasses is null ? Identity : RunIdentity.Of(Spec, Dataset, evalDataset, evalClasses, Target.DType);
}
