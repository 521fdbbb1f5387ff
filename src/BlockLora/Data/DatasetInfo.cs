namespace BlockLora.Data;

/// <summary>
/// Where a benchmark lives under a data root and how to read it, following CoOp's layout (see
/// docs/method.md, "Datasets (CoOp layout)").
/// </summary>
/// <param name="Name">The canonical name, as CoOp's dataset classes spell it (e.g. <c>OxfordPets</c>).</param>
/// <param name="FolderNames">Accepted folder names under the data root, CoOp's first, then CLIP-LoRA's.</param>
/// <param name="ImageSubfolder">The folder (relative to the dataset folder) that split paths are relative to; empty for the dataset folder itself.</param>
/// <param name="SplitFile">The file naming the splits (a CoOp JSON, <c>variants.txt</c>, or <c>classnames.txt</c> for the ImageNet family).</param>
/// <param name="PromptTemplate">CoOp's per-dataset template, with <c>{}</c> where the class name goes.</param>
/// <param name="ClassCount">Classes in the full benchmark (the split files decide what is actually read).</param>
/// <param name="Layout">Which split reader applies.</param>
/// <param name="Source">Where the images come from, for error messages and the data check.</param>
public sealed record DatasetInfo(
    string Name,
    IReadOnlyList<string> FolderNames,
    string ImageSubfolder,
    string SplitFile,
    string PromptTemplate,
    int ClassCount,
    SplitLayout Layout,
    string Source)
{
    /// <summary>
    /// Describes a dataset outside the catalog that is laid out as CoOp's are: <c>&lt;folder&gt;/&lt;images&gt;/…</c>
    /// plus <c>&lt;folder&gt;/split_zhou_&lt;name&gt;.json</c>. Pass it to <see cref="DatasetReader.Read(string, DatasetInfo)"/>
    /// or list it in <c>RunSpec.CustomDatasets</c> so runs, sweeps and the demo read it like a benchmark.
    /// </summary>
    /// <exception cref="ArgumentException">A name that a catalog entry already answers to (it would be shadowed), or a template without <c>{}</c>.</exception>
    public static DatasetInfo CustomCoOp(string name, string folderName, string promptTemplate, int classCount, string source, string imageSubfolder = "images")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(folderName);
        ArgumentNullException.ThrowIfNull(promptTemplate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classCount);
        if (DatasetCatalog.TryGet(name, out var known))
            throw new ArgumentException($"custom dataset name '{name}' is taken by the catalog entry {known.Name}; choose another name");
        if (!promptTemplate.Contains("{}", StringComparison.Ordinal))
            throw new ArgumentException($"template '{promptTemplate}' has no {{}} for the class name");
        return new DatasetInfo(name, [folderName], imageSubfolder, $"split_zhou_{name}.json", promptTemplate, classCount, SplitLayout.CoOpJson, source);
    }

    /// <summary>
    /// Where the catalog's datasets come from and how <c>blora data fetch</c> lays them out; null for a custom dataset,
    /// which nothing here downloads.
    /// </summary>
    public DatasetDownload? Download { get; init; }

    /// <summary>
    /// CLIP-LoRA's <c>--dataset</c> key for this benchmark (<c>fgvc</c>, <c>oxford_pets</c>, ...); the catalog accepts it as
    /// a name, so a CLIP-LoRA command line names the same dataset here. Null where CLIP-LoRA has none (the ImageNet variants).
    /// </summary>
    public string? ClipLoraKey { get; init; }

    /// <summary>The CoOp folder name, used when suggesting where to put a missing dataset.</summary>
    public string PrimaryFolderName => FolderNames[0];

    /// <summary>True for ImageNet-V2/-Sketch/-A/-R, which only have a test split.</summary>
    public bool IsTestOnly => Layout is SplitLayout.ImageNetLabelFolders or SplitLayout.ImageNetWnidFolders;
}
