namespace BlockLora.Data;

/// <summary>One image of a split: its file, its 0-based label, and its class name as the split spells it (underscores kept).</summary>
public sealed record LabeledImage(string Path, int Label, string ClassName);
