using BlockLora.Experiments;

namespace BlockLora.Workbook.Demo;

/// <summary>One line of the demo's table: a method at a shot count on a task, with what it cost.</summary>
/// <param name="AdapterPath">The saved adapter (null for zero-shot).</param>
public sealed record DemoRow(string Task, string Method, int Shots, int Blocks, int Iterations, double Accuracy, long TrainableParameters, double TrainSeconds, string? AdapterPath)
{
    public string Label => LabelFor(Method, Blocks);

    public static string LabelFor(string method, int blocks) => method switch
    {
        RunMethods.ZeroShot => "zero-shot",
        RunMethods.Lora => "LoRA",
        _ => $"Block-LoRA n={blocks}",
    };
}
