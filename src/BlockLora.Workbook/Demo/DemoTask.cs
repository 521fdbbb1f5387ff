using BlockLora.Data;

namespace BlockLora.Workbook.Demo;

/// <summary>A few-shot task the demo wrote to disk: the dataset (custom CoOp layout), a title for tables and charts, and its sizes.</summary>
/// <param name="TrainImagesPerClass">The smallest number of train images any class has: the most shots the task supports without repetition.</param>
public sealed record DemoTask(DatasetInfo Dataset, string Title, IReadOnlyList<string> ClassNames, int TrainImagesPerClass, int TestImages)
{
    public string Name => Dataset.Name;
}
