using BlockLora.Adapters;

namespace BlockLora.Workbook.Demo;

/// <summary>One run of the demo: a method at a shot count and seed on a task, with what it cost (<see cref="DemoSummaryRow"/> averages the seeds).</summary>
/// <param name="Seed">The run's seed (zero-shot has none that matters: it is deterministic).</param>
/// <param name="AdapterPath">The saved adapter (null for zero-shot).</param>
public sealed record DemoRow(string Task, AdapterMethod Method, int Shots, int Blocks, int Iterations, int Seed, double Accuracy, long TrainableParameters, double TrainSeconds, string? AdapterPath)
{
    public string Label => LabelFor(Method, Blocks);

    /// <summary>"zero-shot", "LoRA", "Block-LoRA n=4": the demo keeps r fixed, so its labels name only n.</summary>
    public static string LabelFor(AdapterMethod method, int blocks) =>
        method == AdapterMethod.BlockLora ? $"{method.DisplayName()} n={blocks}" : method.DisplayName();
}
