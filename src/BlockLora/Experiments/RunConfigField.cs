namespace BlockLora.Experiments;

/// <summary>
/// One setting of a stored run's config: its dotted path in the config JSON (<c>training.lr</c>), the name people use
/// for it (the <c>blora train</c> option, <c>lr</c>, where one exists, else the path), and its value as text.
/// </summary>
public sealed record RunConfigField(string Path, string Name, string Value);
