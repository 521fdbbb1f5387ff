using BlockLora.Workbook.Demo;

namespace BlockLora.Workbook.Tests.Demo;

/// <summary>
/// The demo tests need Debian's dataset-fashion-mnist (and the workbook's, python3-sklearn's digits too). They fail, not skip, when it is missing, so a CI
/// machine without it cannot report green; .ci/run installs it.
/// </summary>
public static class DemoPackages
{
    public static void RequireFashionMnist()
    {
        try
        {
            FashionMnist.EnsureInstalled();
        }
        catch (DemoDataMissingException e)
        {
            Assert.Fail($"the demo tests need Fashion-MNIST from Debian: {e.Message}");
        }
    }

    public static void RequireDigits()
    {
        try
        {
            SklearnDigits.EnsureInstalled();
        }
        catch (DemoDataMissingException e)
        {
            Assert.Fail($"the workbook's data tests need scikit-learn's digits from Debian: {e.Message}");
        }
    }
}
