namespace BlockLora.Experiments;

/// <summary>A file of a run folder: its path inside the folder and its size in bytes.</summary>
public sealed record RunFile(string Name, long Bytes);
