using BlockLora.Workbook.Figures;
using BlockLora.Workbook.Notebooks;

namespace BlockLora.Workbook.Tests.Notebooks;

public class FigureListTests
{
    [Fact]
    public void Written_figures_are_listed_relative_to_the_repository_with_the_reason_for_a_missing_png()
    {
        string root = Path.Combine(Path.GetTempPath(), "repo");
        var listings = FigureList.Listings(
        [
            new FigureFiles(Path.Combine(root, "results", "figures", "a.html"), Path.Combine(root, "results", "figures", "a.png"), null),
            new FigureFiles(Path.Combine(root, "results", "figures", "b.html"), null, "chromium not found"),
        ], root);
        Assert.Equal(new FigureListing(Path.Combine("results", "figures", "a.html"), Path.Combine("results", "figures", "a.png")), listings[0]);
        Assert.Equal(new FigureListing(Path.Combine("results", "figures", "b.html"), "chromium not found"), listings[1]);
    }
}
