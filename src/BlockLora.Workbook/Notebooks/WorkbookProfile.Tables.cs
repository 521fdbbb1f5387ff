namespace BlockLora.Workbook.Notebooks;

/// <summary>The profile's tables: what <c>blora tables</c> and notebook 06 build from its store.</summary>
public sealed partial record WorkbookProfile
{
    /// <summary>What <c>blora tables</c> builds for this profile: every table grid of <see cref="ExperimentsDir"/> over <see cref="ResultsDir"/>.</summary>
    public Tables.TablesConfig TablesConfig(string? outputDir = null) => new()
    {
        ResultsDir = ResultsDir,
        GridFiles = TableGridNames().Select(AblationFile).ToArray(),
        OutputDir = outputDir,
        TableBase = TableBase,
        PaperDir = PaperDir,
        Model = Path.GetRelativePath(RepoRoot, ModelPath),
        DataRoot = Path.GetRelativePath(RepoRoot, DataRoot),
        ResultsShown = Path.GetRelativePath(RepoRoot, ResultsDir),
    };

    /// <summary>The table <paramref name="gridName"/> declares, built from this profile's store (what 05 and 06 show; <c>blora tables</c> builds the same).</summary>
    public Tables.ProtocolTable Table(string gridName) =>
        Tables.TablesJob.Run(TablesConfig() with { GridFiles = [AblationFile(gridName)] }).Tables[0];

}
