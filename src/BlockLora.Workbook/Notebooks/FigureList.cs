using BlockLora.Workbook.Figures;
using Deedle;

namespace BlockLora.Workbook.Notebooks;

/// <summary>One written figure as a notebook lists it: paths relative to the repository, or why there is no PNG.</summary>
public sealed record FigureListing(string Html, string Png);

/// <summary>The last cell of notebooks 01–05: render the pending PNGs and show which figure files were written.</summary>
public static class FigureList
{
    /// <summary>Finishes <paramref name="figures"/> (<see cref="FigureWriter.Flush"/>) and lists its files relative to the profile's repository.</summary>
    public static Frame<int, string> Flush(FigureWriter figures, WorkbookProfile profile) =>
        Frame.FromRecords(Listings(figures.Flush(), profile.RepoRoot));

    public static IReadOnlyList<FigureListing> Listings(IEnumerable<FigureFiles> files, string repoRoot) =>
        [.. files.Select(f => new FigureListing(Path.GetRelativePath(repoRoot, f.Html), f.Png is null ? f.PngError ?? "no PNG" : Path.GetRelativePath(repoRoot, f.Png)))];
}
