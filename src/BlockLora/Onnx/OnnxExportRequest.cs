namespace BlockLora.Onnx;

/// <summary>What <c>blora export onnx</c> asks: a CLIP, optionally an adapter, a task's classes, where the files go.</summary>
public sealed record OnnxExportRequest
{
    public required string ModelPath { get; init; }
    /// <summary>An adapter file merged into both towers; null exports the base model.</summary>
    public string? AdapterPath { get; init; }
    /// <summary>A catalog or custom dataset under <see cref="DataRoot"/> whose class names the classifier covers; or use <see cref="ClassesFile"/>.</summary>
    public string? Dataset { get; init; }
    public string? DataRoot { get; init; }
    /// <summary>One class name per line (underscores read as spaces in prompts, as split files store them).</summary>
    public string? ClassesFile { get; init; }
    /// <summary>
    /// Prompt templates with <c>{}</c>; several are averaged (each class's normalised embeddings, renormalised). Empty:
    /// the template the classifier was evaluated with, as <c>blora eval</c> picks it (<see cref="ExportClasses.DefaultTemplate"/>).
    /// </summary>
    public IReadOnlyList<string> Templates { get; init; } = [];
    public required string OutputFolder { get; init; }
    /// <summary>Replace an existing output folder.</summary>
    public bool Force { get; init; }
    public OnnxPrecision Precision { get; init; } = OnnxPrecision.Fp32;
}
