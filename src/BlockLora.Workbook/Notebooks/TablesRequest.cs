using BlockLora.Data;
using BlockLora.Experiments;
using BlockLora.Workbook.Tables;

namespace BlockLora.Workbook.Notebooks;

/// <summary>
/// What <c>blora tables</c> was asked, before a profile fills in the rest: the results folder, grid files (none: every
/// table grid of the profile's experiments/ folder), where the files go, and which backbone or precision to take.
/// </summary>
public sealed record TablesRequest
{
    public required string ResultsDir { get; init; }
    public IReadOnlyList<string> GridFiles { get; init; } = [];
    /// <summary>Default: <c>&lt;results&gt;/tables</c>.</summary>
    public string? OutputDir { get; init; }
    /// <summary>smoke or paper; default smoke when the results folder is called smoke, else paper.</summary>
    public string? Profile { get; init; }
    /// <summary>A data folder whose custom datasets (<c>blora-dataset.json</c>) the grids may name.</summary>
    public string? DataRoot { get; init; }
    public TableSelection Selection { get; init; } = new();

    /// <summary>The profile named, or the one the folder's name implies.</summary>
    public string ProfileName => Profile ?? (Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(ResultsDir))) == WorkbookProfile.SmokeName
        ? WorkbookProfile.SmokeName : WorkbookProfile.PaperName);

    /// <summary>
    /// The job: the profile's tables config (its grid files, custom datasets, model and data root for the fill command)
    /// with this request's folder, files and selection. Without a repository around (a results folder copied elsewhere),
    /// only explicit grid files work, over blora train's defaults.
    /// </summary>
    public TablesConfig Resolve()
    {
        string root;
        try
        {
            root = WorkbookProfile.FindRepoRoot(Directory.GetCurrentDirectory());
        }
        catch (DirectoryNotFoundException) when (GridFiles.Count > 0)
        {
            root = WorkbookProfile.FindRepoRoot(AppContext.BaseDirectory);
        }
        var profile = WorkbookProfile.ByName(ProfileName, root);
        var config = profile.TablesConfig();
        var customs = DataRoot is { } data ? CustomDatasetFile.Discover(data) : config.TableBase.CustomDatasets;
        return config with
        {
            ResultsDir = ResultsDir,
            GridFiles = GridFiles.Count > 0 ? GridFiles : config.GridFiles,
            OutputDir = OutputDir ?? Path.Combine(ResultsDir, "tables"),
            TableBase = RunSettings.Defaults() with { CustomDatasets = customs },
            Selection = Selection,
            DataRoot = DataRoot ?? config.DataRoot,
            ResultsShown = null,
        };
    }
}
