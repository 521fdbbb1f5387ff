namespace BlockLora.Onnx;

/// <summary>What an export wrote: the folder, each file with its size, the class count and the templates used.</summary>
public sealed record OnnxExportResult(string Folder, IReadOnlyList<(string File, long Bytes)> Files, int Classes, IReadOnlyList<string> Templates);
