using BlockLora.Data;

namespace BlockLora.Workbook.Notebooks;

/// <summary>Size of one dataset as read from disk.</summary>
public sealed record DatasetSize(string Dataset, int Classes, int Train, int Val, int Test, string Folder);

/// <summary>Images per class and split of one dataset.</summary>
public sealed record ClassCount(int Label, string ClassName, int Train, int Val, int Test);

/// <summary>What 01-data tabulates: dataset sizes and per-class counts.</summary>
public static class DatasetSummary
{
    public static DatasetSize Size(DatasetSplits splits) => new(splits.Dataset.Name, splits.ClassNames.Count, splits.Train.Count,
        splits.Val.Count, splits.Test.Count, splits.Location.DatasetDirectory);

    public static IReadOnlyList<ClassCount> ClassCounts(DatasetSplits splits) =>
        splits.ClassNames.Select((name, label) => new ClassCount(label, name,
            splits.Train.Count(i => i.Label == label), splits.Val.Count(i => i.Label == label), splits.Test.Count(i => i.Label == label))).ToArray();
}
