using System.Reflection;
using BlockLora.Clip;
using BlockLora.Workbook.Notebooks;

namespace BlockLora.Tests.Architecture;

/// <summary>
/// The folder order of docs/architecture.md, bottom first. A folder may use the folders before it and never one after
/// it; the workbook library sits above the whole core. Sub-namespaces (Data.Downloads, Text.Ftfy) belong to their
/// folder.
/// </summary>
public static class Layers
{
    public static readonly string[] Core =
    [
        "Native", "Torch", "IO", "Text", "Imaging", "Clip", "Checkpoints", "Adapters", "Interop", "Data", "Training", "Evaluation",
        "Inference", "Results", "Experiments", "Cluster", "Onnx",
    ];

    public static readonly string[] Workbook = ["Figures", "Tables", "Charts", "Demo", "Bench", "Doctor", "Notebooks"];

    /// <summary>Every layer's namespace, bottom first: the core's, then the workbook's.</summary>
    public static IReadOnlyList<string> Namespaces { get; } =
        [.. Core.Select(f => $"BlockLora.{f}"), .. Workbook.Select(f => $"BlockLora.Workbook.{f}")];

    public static Assembly CoreAssembly => typeof(ClipModel).Assembly;
    public static Assembly WorkbookAssembly => typeof(WorkbookProfile).Assembly;

    /// <summary>The layer a namespace belongs to (its own or its parent's), or -1 when it is none of them.</summary>
    public static int IndexOf(string? ns)
    {
        if (ns is null) return -1;
        for (int i = Namespaces.Count - 1; i >= 0; i--)
        {
            if (ns == Namespaces[i] || ns.StartsWith(Namespaces[i] + ".", StringComparison.Ordinal)) return i;
        }
        return -1;
    }
}
