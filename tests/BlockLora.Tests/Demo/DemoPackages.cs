using BlockLora.Experiments.Demo;

namespace BlockLora.Tests.Demo;

/// <summary>
/// The demo tests need Debian's dataset-fashion-mnist. They fail, not skip, when it is missing, so a CI
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
}
