namespace BlockLora.Workbook.Demo;

/// <summary>One image of a demo task: which source image, its label in the task (0-based), and a file stem unique within the task.</summary>
public sealed record TaskImage(GrayImageSet Source, int Index, int Label, string FileStem);
