namespace BlockLora.Workbook.Demo;

/// <summary>One adapter in the bank: the accuracy its run recorded and the one measured after switching to it.</summary>
public sealed record SwitchedAdapter(string Name, string Task, double RecordedAccuracy, double MeasuredAccuracy)
{
    public bool Reproduced => RecordedAccuracy == MeasuredAccuracy;
}

/// <summary>What switching adapters on one loaded base model showed.</summary>
/// <param name="MedianSwitchMilliseconds">Median over <paramref name="Switches"/> timed switches (unmerge the active set, merge the next).</param>
/// <param name="BaseRestored">Every base parameter bit-identical (torch.equal) to its value when the model was loaded.</param>
public sealed record TaskSwitchReport(IReadOnlyList<SwitchedAdapter> Adapters, int Switches, double MedianSwitchMilliseconds, int ParametersCompared, bool BaseRestored)
{
    public bool Passed => BaseRestored && Adapters.All(a => a.Reproduced);
}
