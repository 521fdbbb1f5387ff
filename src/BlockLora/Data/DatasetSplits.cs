using BlockLora.Text;

namespace BlockLora.Data;

/// <summary>
/// A dataset read from disk: the three splits and the class names ordered by label. Test-only
/// datasets (the ImageNet variants) have empty Train and Val; ImageNet's Val is its Test (CoOp's choice).
/// </summary>
public sealed record DatasetSplits(
    DatasetLocation Location,
    IReadOnlyList<string> ClassNames,
    IReadOnlyList<LabeledImage> Train,
    IReadOnlyList<LabeledImage> Val,
    IReadOnlyList<LabeledImage> Test)
{
    public DatasetInfo Dataset => Location.Dataset;

    /// <summary>Class names as they go into prompts (underscores as spaces).</summary>
    public IReadOnlyList<string> PromptClassNames => ClassNames.Select(PromptTemplate.ClassName).ToArray();

    /// <summary>The dataset's CoOp prompt for every class, in label order.</summary>
    public IReadOnlyList<string> Prompts => PromptTemplate.Format(Dataset.PromptTemplate, ClassNames);
}
