namespace BlockLora.Data;

/// <summary>
/// Something a user must do by hand (an account-gated download, a Google Drive file), satisfied once any of
/// <see cref="AnyOf"/> (paths relative to the dataset folder) exists. <see cref="Instruction"/> may use
/// <c>{dir}</c> and <c>{root}</c>, replaced by the absolute dataset folder and data root.
/// </summary>
public sealed record ManualRequirement(string Instruction, IReadOnlyList<string> AnyOf);
