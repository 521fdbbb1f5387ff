namespace BlockLora.Experiments;

/// <summary>One setting two runs disagree on; null where a run does not have the setting at all (a zero-shot run has no rank).</summary>
public sealed record SettingDifference(string Name, string? A, string? B);
